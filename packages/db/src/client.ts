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
  /** Server only: a URL straight to the server when `url` goes through a transaction pooler (LISTEN, migrations). */
  directUrl?: string;
  /** Server only: named server-side prepared statements on `url`'s pool (default true; off behind most poolers). */
  preparedStatements?: boolean;
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
      ...(options.directUrl === undefined ? {} : { directUrl: options.directUrl }),
      ...(options.preparedStatements === undefined ? {} : { preparedStatements: options.preparedStatements }),
    });
  }
  return openPglite(options.dataDir);
}
