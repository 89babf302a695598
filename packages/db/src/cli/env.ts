// The migrate command's configuration: where the database is. Read once, here only (eslint.config.js
// enforces it).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

// The same default as the API's env.ts: the repository root's `.data/` (src/cli and dist/cli sit at the same
// depth, so one relative URL serves both), with the embedded database in its `pglite/` folder. That way
// `pnpm db:migrate` with nothing set migrates exactly the database `pnpm dev` uses.
const defaultDataDir = fileURLToPath(new URL('../../../../.data/', import.meta.url));

// `pnpm db:migrate` runs in packages/db; pnpm records where the command was typed in INIT_CWD, and a
// relative LATCHKEY_DATA_DIR means relative to there (the repository root, usually), not to this package.
const invokedFrom = nonEmpty(process.env.INIT_CWD) ?? process.cwd();
const dataDir = nonEmpty(process.env.LATCHKEY_DATA_DIR);

export interface MigrateEnv {
  /**
   * postgres:// URL of the server to migrate: DATABASE_DIRECT_URL when set (a migration holds a session-level
   * advisory lock, which a transaction pooler on DATABASE_URL cannot keep), else DATABASE_URL.
   */
  databaseUrl: string | undefined;
  /** Absolute folder of the embedded database to migrate (used when DATABASE_URL is unset). */
  pgliteDir: string;
}

export const env: MigrateEnv = {
  databaseUrl: nonEmpty(process.env.DATABASE_DIRECT_URL) ?? nonEmpty(process.env.DATABASE_URL),
  pgliteDir: join(dataDir === undefined ? defaultDataDir : resolve(invokedFrom, dataDir), 'pglite'),
};
