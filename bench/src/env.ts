// The only file of the bench that reads process.env (eslint.config.js enforces it).

export interface BenchEnv {
  /**
   * The PostgreSQL server the bench makes its scratch databases on (each benchmark its own, dropped after).
   * The API is measured on it and on the embedded database in the same run.
   */
  databaseUrl: string;
}

/** A fresh clone's PostgreSQL: the local server with trust authentication, as the root README sets it up. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The bench's configuration from the environment. */
export function readBenchEnv(): BenchEnv {
  const url = process.env.DATABASE_URL?.trim() ?? '';
  return { databaseUrl: url === '' ? DEFAULT_DATABASE_URL : url };
}

/**
 * The environment for a child process: this one's (PATH, HOME, locale) without any variable the API reads,
 * so a developer's shell settings cannot change what is measured, plus the given overrides.
 */
export function childEnv(overrides: Readonly<Record<string, string>>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !API_VARIABLES.has(name)) inherited[name] = value;
  }
  return { ...inherited, ...overrides };
}

const API_VARIABLES = new Set([
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'LATCHKEY_DATA_DIR',
  'JWT_SECRET',
  'KEY_SET_FILE',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'REFRESH_TOKEN_ABSOLUTE_TTL',
  'REFRESH_GRACE_SECONDS',
  'FRESH_LOGIN_SECONDS',
  'CORS_ORIGINS',
  'TRUST_PROXY',
  'COOKIE_SECURE',
  'RATE_LIMIT_LOGIN_PER_ACCOUNT',
  'RATE_LIMIT_LOGIN_PER_ADDRESS',
  'RATE_LIMIT_SIGNUP_PER_ADDRESS',
  'BODY_LIMIT_BYTES',
  'JSON_MAX_DEPTH',
  'LOG_LEVEL',
  'REVOCATION_POLL_INTERVAL_MS',
  'RATE_LIMIT_LOGIN_PER_DEVICE',
  'HTTP_TRANSPORT',
  'ACCOUNT_RECOVERY',
  'MAIL_URL',
  'MAIL_FROM',
  'MAIL_TIMEOUT_SECONDS',
  'PUBLIC_WEB_URL',
  'EMAIL_VERIFICATION_TTL',
  'RATE_LIMIT_RECOVERY_PER_ADDRESS',
  'RATE_LIMIT_RECOVERY_PER_ACCOUNT',
  'NODE_OPTIONS',
]);
