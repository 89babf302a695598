// The only place the security tests read the environment (eslint.config.js enforces it).

/** PATH, handed on to the child processes these tests start (pg_ctl, the API). */
export const inheritedPath: string = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
