import type { Database, QueryObserver } from './database.js';
import { openPglite } from './pglite-database.js';
import { openPostgres } from './postgres-database.js';

/** Where the data lives: a PostgreSQL server (`url`), an embedded folder (`dataDir`), or memory (neither). */
export interface CreateDbOptions {
  /** A postgres:// URL. When set, `dataDir` is ignored. */
  url?: string;
  /** Folder for the embedded database (dev); omitted with no `url` means in memory (tests). */
  dataDir?: string;
  /** postgres.js pool size (server only). */
  maxConnections?: number;
  /** Sees the SQL of every statement the ORM sends (server only; tests count database work with it). */
  onQuery?: QueryObserver;
}

/**
 * Opens Latchkey's database: postgres.js when `url` is given, embedded PGlite otherwise. Does not migrate;
 * call `database.migrate()` (or `pnpm db:migrate`) first.
 *
 * @example
 * const database = await createDb({ url: env.DATABASE_URL, dataDir: '.data/db' });
 * await database.migrate();
 * const repositories = createRepositories(database);
 */
export async function createDb(options: CreateDbOptions = {}): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    return openPostgres(options.url, {
      ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
      ...(options.onQuery === undefined ? {} : { onQuery: options.onQuery }),
    });
  }
  return openPglite(options.dataDir);
}
