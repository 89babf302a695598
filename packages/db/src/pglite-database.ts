import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { assertChannelName } from './channel-name.js';
import { queryLogger, type Database, type QueryObserver } from './database.js';
import { migratePglite } from './migrate.js';
import * as schema from './schema/index.js';

/**
 * Wraps an open PGlite instance. PGlite is one in-process connection: transactions are serialised by
 * PGlite itself, and LISTEN/NOTIFY reach listeners of this same instance only.
 */
export function pgliteDatabase(client: PGlite, options: { onQuery?: QueryObserver } = {}): Database {
  const logger = queryLogger(options.onQuery);
  const orm = drizzle({ client, schema, ...(logger === undefined ? {} : { logger }) });
  return {
    kind: 'pglite',
    orm,
    migrate: () => migratePglite(orm),
    async ping() {
      await client.query('select 1');
    },
    // In-process: the listener cannot lose its connection, so `onReconnect` is never called.
    async listen(channel, onPayload) {
      assertChannelName(channel);
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    async notify(channel, payload) {
      assertChannelName(channel);
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    close: () => client.close(),
  };
}

/** Opens PGlite in memory, or persisted in `dataDir` (created, with its parents, when missing). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir === undefined) return pgliteDatabase(await PGlite.create());
  // PGlite creates the last folder only; a fresh clone has no .data/ yet.
  await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir });
  return pgliteDatabase(client);
}
