// The e2e tests' only reader of the environment. The production build runs in a child process with
// NODE_ENV=production: vitest sets NODE_ENV=test in this process, and Vite would then bundle React's
// development build and JSX runtime instead of what ships.
export const productionBuildEnv: Readonly<Record<string, string | undefined>> = {
  ...process.env,
  NODE_ENV: 'production',
};

/** Which /trpc transport the API under test serves (`HTTP_TRANSPORT=official`); unset, the API's default. */
export const apiTransport: string | undefined = process.env.HTTP_TRANSPORT;
