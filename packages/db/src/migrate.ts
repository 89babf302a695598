import { fileURLToPath } from 'node:url';
import { migrate as migratePgliteOrm } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgresOrm } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';

/**
 * The committed migrations. This file sits one level below the package root both as source (src/) and
 * compiled (dist/), so the same relative URL works from either; package.json ships `migrations` in `files`.
 */
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

// Any constant shared by every Latchkey process: the session-level advisory lock that serialises
// migrations when several API instances start against one server at the same moment.
const MIGRATION_LOCK_KEY = 0x1a7c4e7;

/** Applies pending migrations to an embedded database (one connection, so no lock is needed). */
export async function migratePglite(orm: PgliteDatabase<Record<string, unknown>>): Promise<void> {
  await migratePgliteOrm(orm, { migrationsFolder });
}

/**
 * Applies pending migrations on a PostgreSQL server under an advisory lock, over a dedicated single
 * connection so the lock and the migration share one session.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgresOrm(drizzlePostgres({ client }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
