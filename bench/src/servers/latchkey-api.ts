// The Latchkey API under test, in its own process: `startApiServer` from @latchkey/api configured the way
// `pnpm start` configures it (NODE_ENV=production, the default log level, the default rate limits, the
// embedded database in a data folder or PostgreSQL), with its stdout, the request log, on /dev/null
// (child-process.ts). A benchmark may silence the log as a diagnostic, or raise the rate limits when it
// sends more logins (or reset requests) than they allow on purpose; the rows it reports say so. Account
// recovery (email and password reset) is off, as in a production deployment without mail, unless a benchmark
// gives it a mail server.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { generateSigningKey } from '@latchkey/auth';
import { loadConfig, startApiServer } from '@latchkey/api';

import { serveFromChild } from './child-process.js';

export interface LatchkeyApiConfig {
  /** HS256 with this secret, or EdDSA from a key set generated for the run. */
  signing: { algorithm: 'HS256'; secret: string } | { algorithm: 'EdDSA' };
  /** null: the embedded database, in `dataDir` as a deployment without DATABASE_URL keeps it. */
  databaseUrl: string | null;
  /** LATCHKEY_DATA_DIR: the embedded database and the key set file. */
  dataDir: string;
  /** HTTP_TRANSPORT: the API's own tRPC transport (its default, `fast`) or tRPC's official adapter alone. */
  transport: 'fast' | 'official';
  /** `default`: LOG_LEVEL unset, as deployed; `silent`: the diagnostic without a request log. */
  logLevel: 'default' | 'silent';
  /**
   * `default`: the RATE_LIMIT_* defaults; `raised`: the login and signup limits out of the way of a benchmark
   * that logs in on purpose; `recovery-raised`: only the recovery limits (reset requests), the others default.
   */
  rateLimits: 'default' | 'raised' | 'recovery-raised';
  /** ACCOUNT_RECOVERY=1 with mail to this SMTP server; null: recovery off (production's default). */
  recovery: { mailUrl: string; publicWebUrl: string } | null;
}

// Far above anything the benchmarks send: the login benchmark measures hashing, not the limiter's refusals,
// and the reset benchmark the request path, not a RATE_LIMITED answer.
const UNLIMITED = '1000000000/1s';

serveFromChild(async (config) => {
  // The parent builds this with `satisfies LatchkeyApiConfig` (latchkey-servers.ts); both ends are this package.
  const { signing, databaseUrl, dataDir, transport, logLevel, rateLimits, recovery } =
    config as LatchkeyApiConfig;
  let signingVariables: Record<string, string>;
  if (signing.algorithm === 'HS256') {
    signingVariables = { JWT_SECRET: signing.secret };
  } else {
    const keySetFile = path.join(dataDir, 'keys.json');
    await writeFile(keySetFile, JSON.stringify({ keys: [await generateSigningKey('EdDSA')] }), {
      mode: 0o600,
    });
    signingVariables = { KEY_SET_FILE: keySetFile };
  }
  const apiConfig = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LATCHKEY_DATA_DIR: dataDir,
    HTTP_TRANSPORT: transport,
    ...(logLevel === 'silent' ? { LOG_LEVEL: 'silent' } : {}),
    ...(rateLimits === 'raised'
      ? {
          RATE_LIMIT_LOGIN_PER_ACCOUNT: UNLIMITED,
          RATE_LIMIT_LOGIN_PER_ADDRESS: UNLIMITED,
          RATE_LIMIT_SIGNUP_PER_ADDRESS: UNLIMITED,
        }
      : {}),
    ...(rateLimits === 'recovery-raised'
      ? { RATE_LIMIT_RECOVERY_PER_ADDRESS: UNLIMITED, RATE_LIMIT_RECOVERY_PER_ACCOUNT: UNLIMITED }
      : {}),
    ...(recovery === null
      ? {}
      : {
          ACCOUNT_RECOVERY: '1',
          MAIL_URL: recovery.mailUrl,
          MAIL_FROM: 'Latchkey bench <bench@latchkey.test>',
          PUBLIC_WEB_URL: recovery.publicWebUrl,
        }),
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    ...signingVariables,
  });
  // Opens (and migrates) the database from the configuration, as `pnpm start` does.
  return startApiServer({ config: apiConfig, port: 0 });
});
