import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, sql } from 'drizzle-orm';
import { pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from './client.js';
import type { Database } from './database.js';
import { migrationsFolder } from './migrate.js';
import { createRepositories } from './repositories.js';
import { rateLimits } from './schema/rate-limits.js';
import { users } from './schema/users.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './testing/index.js';
import { databaseErrorOf, T0 } from './testing/fixtures.js';

// Drizzle's own bookkeeping table, one row per applied migration.
const drizzleMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial('id'),
  hash: text('hash'),
});

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.dispose());

/** Resolves with the first payload `listener` hears on `channel` after `send` runs. */
async function firstPayload(
  listener: Database,
  sender: Database,
  channel: string,
  payload: string,
): Promise<string> {
  let resolve: (payload: string) => void = () => undefined;
  const heard = new Promise<string>((r) => (resolve = r));
  const stop = await listener.listen(channel, resolve);
  try {
    await sender.notify(channel, payload);
    return await heard;
  } finally {
    await stop();
  }
}

describe('Database', () => {
  it(`runs on ${testDatabaseKind} as the environment selects`, async () => {
    expect(db.database.kind).toBe(testDatabaseKind);
    expect(db.url === null).toBe(testDatabaseKind === 'pglite');
    await db.database.ping();
  });

  it('migrates idempotently: a second run applies nothing and keeps the data', async () => {
    const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    const applied = async (): Promise<number> => {
      const [row] = await db.database.orm.select({ n: count() }).from(drizzleMigrations);
      return row!.n;
    };
    expect(await applied()).toBe(journal.entries.length);
    await createRepositories(db.database).users.insert({ username: 'ada', passwordHash: 'h' });

    await db.database.migrate();

    expect(await applied()).toBe(journal.entries.length);
    const [row] = await db.database.orm.select({ n: count() }).from(users);
    expect(row!.n).toBe(1);
  });

  it('rolls back every row of a transaction whose later statement fails', async () => {
    const attempt = db.database.orm.transaction(async (tx) => {
      await tx.insert(users).values([
        { username: 'one', passwordHash: 'h' },
        { username: 'two', passwordHash: 'h' },
      ]);
      await tx.insert(users).values({ username: 'ONE', passwordHash: 'h' }); // unique violation
    });
    expect(await databaseErrorOf(attempt)).toMatch(/users_username_lower_key/);
    const [row] = await db.database.orm.select({ n: count() }).from(users);
    expect(row!.n).toBe(0);
  });

  it('refuses a channel name that is not a plain identifier, before it reaches SQL', async () => {
    await expect(db.database.listen('x; drop table users', () => undefined)).rejects.toThrow(TypeError);
    await expect(db.database.notify('Revocations', 'p')).rejects.toThrow(TypeError);
  });

  it('backs rate-limiter-flexible’s RateLimiterDrizzle: the sixth attempt is refused, the count is stored', async () => {
    const limiter = new RateLimiterDrizzle({
      storeClient: db.database.orm,
      schema: rateLimits,
      keyPrefix: 'login',
      points: 5,
      duration: 60,
      clearExpiredByTimeout: false,
    });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await limiter.consume('ada')).remainingPoints).toBe(5 - attempt);
    }
    const refused: unknown = await limiter.consume('ada').catch((rejection: unknown) => rejection);
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
    const rows = await db.database.orm.select().from(rateLimits);
    expect(rows).toEqual([{ key: 'login:ada', points: 6, expire: expect.any(Date) as Date }]);
  });
});

if (testDatabaseKind === 'postgres') {
  describe('LISTEN/NOTIFY on PostgreSQL', () => {
    it('delivers a payload from one createDb connection to another', async () => {
      const listener = await createDb({ url: db.url! });
      const sender = await createDb({ url: db.url! });
      try {
        expect(await firstPayload(listener, sender, 'latchkey_revocations', 'session-1')).toBe('session-1');
      } finally {
        await Promise.all([listener.close(), sender.close()]);
      }
    });

    it('calls onReconnect once LISTEN is back after its connection was cut, and unlisten still silences it', async () => {
      const listener = await createDb({ url: db.url! });
      const heard: string[] = [];
      let reconnects = 0;
      try {
        const stop = await listener.listen('latchkey_test', (payload) => heard.push(payload), {
          onReconnect: () => (reconnects += 1),
        });
        const sentinel: string[] = [];
        await listener.listen('latchkey_test_other', (payload) => sentinel.push(payload));
        expect(reconnects).toBe(0);

        const cut = await db.database.orm
          .select({ done: sql<boolean>`pg_terminate_backend(pid)` })
          .from(sql`pg_stat_activity`)
          .where(sql`datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`);
        expect(cut).toEqual([{ done: true }]);
        await expect.poll(() => reconnects, { timeout: 5000 }).toBe(1);
        await db.database.notify('latchkey_test', 'after the reconnect');
        await expect.poll(() => heard).toEqual(['after the reconnect']);

        // postgres.js's own unlisten misses the listener it re-created on reconnect; ours must not.
        await stop();
        await db.database.notify('latchkey_test', 'after stop');
        await db.database.notify('latchkey_test_other', 'sentinel');
        await expect.poll(() => sentinel).toEqual(['sentinel']);
        expect(heard).toEqual(['after the reconnect']);
      } finally {
        await listener.close();
      }
    });
  });
} else {
  describe('LISTEN/NOTIFY on PGlite', () => {
    it('delivers a payload within the one embedded instance', async () => {
      expect(await firstPayload(db.database, db.database, 'latchkey_revocations', 'session-1')).toBe(
        'session-1',
      );
    });
  });
}

describe('createDb', () => {
  it('stops delivering after the listener unsubscribes', async () => {
    const heard: string[] = [];
    const stop = await db.database.listen('latchkey_test', (payload) => heard.push(payload));
    await db.database.notify('latchkey_test', 'before');
    await expect.poll(() => heard).toEqual(['before']);
    await stop();
    await db.database.notify('latchkey_test', 'after');
    await db.database.notify('latchkey_test_other', 'sentinel');
    await db.database.ping();
    expect(heard).toEqual(['before']);
  });

  it('creates the embedded database folder and keeps the data across restarts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'latchkey-db-'));
    const dataDir = join(root, 'not', 'yet', 'there');
    try {
      const first = await createDb({ dataDir });
      expect(first.kind).toBe('pglite');
      await first.migrate();
      await createRepositories(first).users.insert({ username: 'persisted', passwordHash: 'h' });
      await first.close();

      const second = await createDb({ dataDir });
      try {
        const user = await createRepositories(second).users.findByUsername('PERSISTED');
        expect(user).toMatchObject({ username: 'persisted' });
        expect(user!.createdAt.getTime()).toBeGreaterThan(T0.getTime() - 365 * 86_400_000);
      } finally {
        await second.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    // Two embedded databases start from a folder here, each a WebAssembly start-up and a file-system sync: a
    // cap that leaves room for a loaded machine, not a speed claim.
  }, 60_000);
});
