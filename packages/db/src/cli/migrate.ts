// `pnpm db:migrate`: applies the committed migrations to DATABASE_DIRECT_URL (when DATABASE_URL is a pooler) or
// DATABASE_URL, or to the embedded database under LATCHKEY_DATA_DIR (default: the repository's .data/). Prints
// one line, never the URL (it may carry a password).
import { createDb } from '../client.js';
import { env } from './env.js';

async function main(): Promise<void> {
  const database = await createDb(
    env.databaseUrl === undefined ? { dataDir: env.pgliteDir } : { url: env.databaseUrl },
  );
  try {
    await database.migrate();
    console.log(
      env.databaseUrl === undefined
        ? `db:migrate: embedded database at ${env.pgliteDir} is up to date.`
        : 'db:migrate: PostgreSQL database is up to date.',
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
