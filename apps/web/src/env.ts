// The only file of the web app that reads the build-time environment, so the rest of the app
// receives its configuration as values and can be tested without one.

/**
 * The API's tRPC endpoint. Default `/trpc`: same origin as the app, through Vite's proxy in development and
 * the host's in production, so the refresh cookie is first-party and SameSite=Strict holds.
 */
const rawApiUrl: unknown = import.meta.env.VITE_LATCHKEY_API_URL;

export const env = {
  apiUrl: typeof rawApiUrl === 'string' && rawApiUrl.trim() !== '' ? rawApiUrl.trim() : '/trpc',
} as const;
