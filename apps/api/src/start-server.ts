// Starts one API instance: database (embedded or PostgreSQL, migrated), keys, revocation listener, HTTP server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PasswordHasher } from '@latchkey/auth';
import type { Database } from '@latchkey/db';
import type { Logger } from 'pino';
import { createApp, type App } from './app.js';
import type { ApiConfig } from './config.js';
import { openConfiguredDatabase } from './database.js';
import { createRequestListener } from './http/server.js';
import { loadSigningKeys } from './keys/signing-keys.js';
import { createLogger } from './logger.js';

// Slow-loris guard: a request must arrive in full within this time (Node's default is 300 s).
const REQUEST_TIMEOUT_MS = 30_000;

export interface StartApiServerOptions {
  config: ApiConfig;
  /** An open, migrated database (tests share one between instances); otherwise opened from config and migrated. */
  database?: Database;
  /** Overrides `config.port`; 0 picks a free port. */
  port?: number;
  logger?: Logger;
  /** See `createApp`: the default is OWASP argon2id. */
  passwords?: PasswordHasher;
  /** See `createApp`: how the mail queue's worker is started. */
  mailSchedule?: (run: () => void) => void;
}

export interface RunningApiServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  app: App;
  close(): Promise<void>;
}

export async function startApiServer(options: StartApiServerOptions): Promise<RunningApiServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Keys first: a weak secret or a bad key set fails start-up before anything is opened.
  const signingKeys = await loadSigningKeys(config.signing, { logger });
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  try {
    const app = await createApp({
      config,
      database,
      logger,
      signingKeys,
      ...(options.passwords === undefined ? {} : { passwords: options.passwords }),
      ...(options.mailSchedule === undefined ? {} : { mailSchedule: options.mailSchedule }),
    });
    await app.revocations.start();
    await app.users.start();
    const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, createRequestListener(app));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    return {
      url: `http://${host}:${port}`,
      app,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        });
        // Queued mail still does its database work, so it is sent before the database closes.
        await app.mailer?.close();
        await app.revocations.stop();
        await app.users.stop();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}
