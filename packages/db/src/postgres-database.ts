import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { assertChannelName } from './channel-name.js';
import { queryLogger, type Database, type QueryObserver } from './database.js';
import { migratePostgres } from './migrate.js';
import * as schema from './schema/index.js';

/** Options for the postgres.js pool. */
export interface PostgresPoolOptions {
  /** Pool size per process; several stateless API instances share one server, so keep it modest. */
  max?: number;
  /** Sees every statement the ORM sends (tests count them). */
  onQuery?: QueryObserver;
  /**
   * A URL straight to the server, for what needs one session from start to end: LISTEN (the revocation
   * fan-out) and the migrations' advisory lock. Set it when `url` goes through a transaction pooler
   * (PgBouncer `pool_mode = transaction`, a managed provider's pooled port), which hands each transaction
   * whichever server connection is free, so a LISTEN there is soon listening on someone else's connection,
   * and a session lock may be taken on one and released on another. Without it, `url` serves both.
   */
  directUrl?: string;
  /**
   * Named server-side prepared statements on the pool (default true). A named statement lives in one server
   * session; through a transaction pooler the next transaction may run on a session that never prepared it
   * (`prepared statement "…" does not exist`). Turn them off there, unless the pooler tracks them itself
   * (PgBouncer 1.21 and later with `max_prepared_statements` above 0). Off, postgres.js sends each query as
   * an unnamed statement, parsed afresh every time.
   */
  preparedStatements?: boolean;
}

const DEFAULT_POOL_SIZE = 10;

/**
 * Longest wait, in seconds, before a closed pooled connection dials the server again. postgres.js's default
 * backoff grows as 3^n / 100 s with n counted across the whole pool, up to 20 s, so after a handful of refused
 * connects during an outage every query queued behind the wait (and so every DB-bound request) hangs for up to
 * 20 s before failing, and the pool is as slow to notice the server is back. A refused connect costs the server
 * nothing, so retrying within a second is cheap, answers 503 promptly while it is down and reconnects promptly
 * after (measured by `pnpm --filter @latchkey/api outage`; SECURITY.md, known gap 2).
 */
const RECONNECT_BACKOFF_MAX_SECONDS = 1;

/** Seconds to wait before the n-th consecutive failed connect is retried: doubling from 20 ms, capped, jittered. */
function reconnectBackoff(attempt: number): number {
  // Jitter (50-100 %) so the pool's connections do not all redial the server in the same instant.
  return (0.5 + Math.random() / 2) * Math.min(0.02 * 2 ** attempt, RECONNECT_BACKOFF_MAX_SECONDS);
}

const CONNECTION_OPTIONS = {
  // Fail a health check or start-up within seconds rather than postgres.js's default 30.
  connect_timeout: 10,
  // NOTICEs (e.g. "relation already exists, skipping") are expected during migrations; not worth a log line.
  onnotice: (): undefined => undefined,
  backoff: reconnectBackoff,
} as const;

/**
 * Connects to a PostgreSQL server through a postgres.js pool. Connections open lazily, on first query.
 *
 * @example
 * // Behind PgBouncer in transaction mode: queries through the pooler, LISTEN and migrations straight to the server.
 * const database = openPostgres('postgres://app@pgbouncer:6432/latchkey', {
 *   directUrl: 'postgres://app@db:5432/latchkey',
 *   preparedStatements: false,
 * });
 */
export function openPostgres(url: string, options: PostgresPoolOptions = {}): Database {
  const client = postgres(url, {
    ...CONNECTION_OPTIONS,
    max: options.max ?? DEFAULT_POOL_SIZE,
    // Server-side prepared statements: parse and plan once per connection for the repositories' fixed SQL.
    prepare: options.preparedStatements ?? true,
  });
  const directUrl = options.directUrl ?? url;
  // postgres.js listens on a connection of its own, outside the pool (and so outside `max`); a client on the
  // direct URL is only ever asked to listen, so it never opens a pooled connection of its own.
  const listener =
    options.directUrl === undefined ? client : postgres(options.directUrl, { ...CONNECTION_OPTIONS, max: 1 });
  const logger = queryLogger(options.onQuery);
  const orm = drizzle({ client, schema, ...(logger === undefined ? {} : { logger }) });
  return {
    kind: 'postgres',
    orm,
    migrate: () => migratePostgres(directUrl),
    async ping() {
      await client`select 1`;
    },
    async listen(channel, onPayload, options = {}) {
      assertChannelName(channel);
      // postgres.js keeps one dedicated connection for all listeners, and when it closes, LISTENs again on a
      // new one and calls `onlisten` again: the first call is this LISTEN, every later one a reconnect.
      let listening = false;
      let stopped = false;
      const request = await listener.listen(
        channel,
        (payload) => {
          if (!stopped) onPayload(payload);
        },
        () => {
          if (stopped) return;
          if (listening) options.onReconnect?.();
          listening = true;
        },
      );
      return async () => {
        // After a reconnect postgres.js listens with a new listener object that `request.unlisten` (bound to
        // the first one) no longer finds, so the flag is what reliably silences this listener.
        stopped = true;
        await request.unlisten();
      };
    },
    // NOTIFY is one statement whose delivery PostgreSQL queues at commit for every listener on the database,
    // whichever session sent it, so it goes through the pool, pooler or not.
    async notify(channel, payload) {
      assertChannelName(channel);
      await client.notify(channel, payload);
    },
    async close() {
      await Promise.all([
        client.end({ timeout: 5 }),
        listener === client ? undefined : listener.end({ timeout: 5 }),
      ]);
    },
  };
}
