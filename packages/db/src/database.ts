import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.js';

/** The typed Drizzle API shared by both drivers: queries written against it run on PGlite and PostgreSQL. */
export type LatchkeyOrm = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine a {@link Database} runs on. */
export type DatabaseKind = 'pglite' | 'postgres';

/**
 * Called with the SQL text of every statement the ORM sends (the repositories' and rate-limiter-flexible's),
 * before it runs: how tests count the database work of a call. Transaction BEGIN/COMMIT are not included.
 */
export type QueryObserver = (sql: string) => void;

/** Drizzle's logger hook, which it calls for every statement, prepared or not, on both drivers. */
export function queryLogger(onQuery: QueryObserver | undefined): { logQuery(sql: string): void } | undefined {
  if (onQuery === undefined) return undefined;
  return {
    logQuery(sql) {
      onQuery(sql);
    },
  };
}

export interface ListenOptions {
  /** Called each time the LISTEN is in place again after its connection was lost (not the first time). */
  onReconnect?: () => void;
}

/** A connection to Latchkey's database, embedded (PGlite) or a PostgreSQL server (postgres.js). */
export interface Database {
  readonly kind: DatabaseKind;
  readonly orm: LatchkeyOrm;
  /** Applies the committed migrations in packages/db/migrations that have not run yet. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a query; throws when it is unreachable. */
  ping(): Promise<void>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel` (a lower-case SQL identifier). Resolves once the LISTEN
   * is in place, with a function that stops listening.
   *
   * A NOTIFY sent while the listening connection is down is lost for good. On PostgreSQL the driver
   * reconnects and listens again by itself, then calls `onReconnect`, so the caller can re-read what it may
   * have missed. PGlite runs in this process and never loses its listener, so it never calls it.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  /** Sends `payload` to every listener of `channel`, on every connection to this database. */
  notify(channel: string, payload: string): Promise<void>;
  /** Closes the connection (PGlite: the embedded instance; postgres.js: the pool, letting queries finish). */
  close(): Promise<void>;
}
