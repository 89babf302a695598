import type { Database, QueryObserver } from '../database.js';
import { pgliteDatabase } from '../pglite-database.js';
import { openPostgres } from '../postgres-database.js';
import { testDatabaseUrl } from './env.js';
import { acquirePglite, releasePglite } from './pglite-template.js';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from './postgres-template.js';

export interface TestDatabase {
  database: Database;
  /** The new database's URL on the PostgreSQL server, or null for embedded PGlite. */
  url: string | null;
  /**
   * Ends this test database: on PostgreSQL closes the pool and drops the database; on PGlite empties the
   * instance for reuse by a later call in this process. Do not use `database` afterwards.
   */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated, empty database for one test (or one file): in-memory PGlite when DATABASE_URL is
 * unset, otherwise a new database on that server copied from a migrated template. Safe to call from
 * parallel vitest workers.
 *
 * @example
 * let db: TestDatabase;
 * beforeEach(async () => { db = await createTestDatabase(); });
 * afterEach(() => db.dispose());
 */
export async function createTestDatabase(options: { onQuery?: QueryObserver } = {}): Promise<TestDatabase> {
  const observed = options.onQuery === undefined ? {} : { onQuery: options.onQuery };
  if (testDatabaseUrl === null) {
    const client = await acquirePglite();
    const inner = pgliteDatabase(client, observed);
    const channels = new Set<string>();
    const database: Database = {
      ...inner,
      listen(channel, onPayload, options) {
        channels.add(channel);
        return inner.listen(channel, onPayload, options);
      },
    };
    return { database, url: null, dispose: () => releasePglite(client, channels) };
  }
  const adminUrl = testDatabaseUrl;
  const name = await createDatabaseFromTemplate(adminUrl);
  const url = databaseUrl(adminUrl, name);
  const database = openPostgres(url, { max: 12, ...observed });
  return {
    database,
    url,
    async dispose() {
      await database.close();
      await dropDatabase(adminUrl, name);
    },
  };
}

/** The test database's engine, for the few tests whose expectation depends on it (true concurrency). */
export const testDatabaseKind: Database['kind'] = testDatabaseUrl === null ? 'pglite' : 'postgres';
