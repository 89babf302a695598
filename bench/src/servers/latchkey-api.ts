// The Latchkey API under test, in its own process: `startApiServer` from @latchkey/api with production
// settings (NODE_ENV=production, logging silenced so the terminal is not the bottleneck), on an in-memory
// PGlite or on the PostgreSQL database the parent created for the run.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { generateSigningKey } from '@latchkey/auth';
import { loadConfig, startApiServer } from '@latchkey/api';
import { createDb } from '@latchkey/db';

import { serveFromChild } from './child-process.js';

export interface LatchkeyApiConfig {
  /** HS256 with this secret, or EdDSA from a key set generated for the run. */
  signing: { algorithm: 'HS256'; secret: string } | { algorithm: 'EdDSA' };
  /** null: a fresh in-memory PGlite owned by this process. */
  databaseUrl: string | null;
  /** A scratch folder for the key set file. */
  dataDir: string;
  /** HTTP_TRANSPORT: the API's own tRPC transport (its default, `fast`) or tRPC's official adapter alone. */
  transport: 'fast' | 'official';
}

// Far above anything the benchmarks send: the login benchmark measures hashing, not the limiter's refusals.
const UNLIMITED = '1000000000/1s';

serveFromChild(async (config) => {
  // The parent builds this with `satisfies LatchkeyApiConfig` (latchkey-servers.ts); both ends are this package.
  const { signing, databaseUrl, dataDir, transport } = config as LatchkeyApiConfig;
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
    LOG_LEVEL: 'silent',
    LATCHKEY_DATA_DIR: dataDir,
    RATE_LIMIT_LOGIN_PER_ACCOUNT: UNLIMITED,
    RATE_LIMIT_LOGIN_PER_ADDRESS: UNLIMITED,
    RATE_LIMIT_SIGNUP_PER_ADDRESS: UNLIMITED,
    HTTP_TRANSPORT: transport,
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    ...signingVariables,
  });
  if (databaseUrl !== null) return startApiServer({ config: apiConfig, port: 0 });
  const database = await createDb({});
  await database.migrate();
  const server = await startApiServer({ config: apiConfig, database, port: 0 });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await database.close();
    },
  };
});
