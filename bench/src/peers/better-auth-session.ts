// The TypeScript leader: better-auth's session check, `auth.api.getSession({ headers })`, guarding one
// node:http route that answers the session's user, on PostgreSQL through `pg` (its Kysely adapter). By
// default every check reads the session and its user from the database; with `session.cookieCache` the
// check first verifies a signed cookie holding both and reads nothing until the cookie's maxAge runs out.
// The bench signs in through better-auth's own handler (`toNodeHandler`) to get the cookies. NODE_ENV is
// production, as deployed (child-process.ts passes it).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import pg from 'pg';

import { serveFromChild } from '../servers/child-process.js';

export interface BetterAuthPeerConfig {
  /** The scratch database: better-auth's own tables are created in it at start-up. */
  databaseUrl: string;
  /** BETTER_AUTH_SECRET: signs its cookies. */
  secret: string;
  cookieCache: boolean;
}

// The cookie cache's default maxAge is 5 minutes; the bench's cookie must outlive a whole HTTP benchmark, or
// the cached contender would silently fall back to the database half way through.
const COOKIE_CACHE_MAX_AGE_SECONDS = 3600;

serveFromChild(async (config) => {
  // The parent sends this shape (http.ts); both ends are this package.
  const { databaseUrl, secret, cookieCache } = config as BetterAuthPeerConfig;
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const options = {
    database: pool,
    secret,
    baseURL: url,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    ...(cookieCache
      ? { session: { cookieCache: { enabled: true, maxAge: COOKIE_CACHE_MAX_AGE_SECONDS } } }
      : {}),
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  const authHandler = toNodeHandler(auth);
  server.on('request', (request, response) => {
    if (request.url?.startsWith('/api/auth/') === true) {
      void authHandler(request, response);
      return;
    }
    auth.api.getSession({ headers: fromNodeHeaders(request.headers) }).then(
      (session) => {
        const body = session === null ? '{"error":"unauthorized"}' : JSON.stringify({ user: session.user });
        response.writeHead(session === null ? 401 : 200, { 'content-type': 'application/json' });
        response.end(body);
      },
      () => {
        response.writeHead(500).end();
      },
    );
  });
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
});
