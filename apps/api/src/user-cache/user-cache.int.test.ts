// The user cache on one instance over a real database: a warm protected call reads nothing, the size stays
// bounded, a fill that races a change does not keep what it read, and a change whose notification never came
// is found by the poll. The statements are counted where the ORM sends them (testing/statement-log.ts).
import { createRepositories, type Repositories } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatementLog } from '../testing/statement-log.js';
import { GOOD_PASSWORD, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';
import { createUserCache, USER_CHANGED_CHANNEL, type UserCache } from './user-cache.js';

const log = new StatementLog();
let testDatabase: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  testDatabase = await createTestDatabase({ onQuery: log.record });
  api = await startTestApi({ database: testDatabase.database, env: { USER_CACHE_MAX_ENTRIES: '3' } });
});

afterAll(async () => {
  await api.close();
  await testDatabase.dispose();
});

async function signup(): Promise<{ userId: string; accessToken: string }> {
  const session = await api
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  return { userId: session.user.id, accessToken: session.accessToken };
}

/** Runs `change`, then waits until a listener registered after the caches' has heard of `userId` (so they have). */
async function heardAfterCache(userId: string, change: () => Promise<unknown>): Promise<void> {
  let heard = (): void => undefined;
  const done = new Promise<void>((resolve) => (heard = resolve));
  const stop = await testDatabase.database.listen(USER_CHANGED_CHANNEL, (payload) => {
    if (payload === userId) heard();
  });
  try {
    await change();
    await done;
  } finally {
    await stop();
  }
}

const readsUser = (statement: string): boolean => /from "users"/i.test(statement);

describe('a warm protected call', () => {
  it('auth.me reads the user once, then answers from memory with no statement at all', async () => {
    const { accessToken } = await signup();
    const client = api.client(accessToken);
    expect((await log.during(() => client.auth.me.query())).filter(readsUser)).toHaveLength(1);
    for (let call = 0; call < 5; call += 1) {
      expect(await log.during(() => client.auth.me.query())).toEqual([]);
    }
  });

  it('an admin check reads no user once warm: admin.users sends its list and nothing else', async () => {
    const { userId, accessToken } = await signup();
    // Once the instance has heard of the change, so that its notification cannot drop the entry mid-test.
    await heardAfterCache(userId, () => api.repositories.users.setRole(userId, 'admin'));
    const client = api.client(accessToken);
    await client.admin.users.query();
    const statements = await log.during(() => client.admin.users.query());
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/order by "users"."created_at"/i);
  });

  it('a role change written by psql (no API call) takes the admin check away at once', async () => {
    const { userId, accessToken } = await signup();
    await api.repositories.users.setRole(userId, 'admin');
    const client = api.client(accessToken);
    await client.admin.users.query();
    await testDatabase.database.orm.execute(`update users set role = 'user' where id = '${userId}'`);
    await expect(refusedWithin(() => client.admin.users.query(), 1000)).resolves.toBe('FORBIDDEN');
  });
});

/** Calls until it is refused, for at most `withinMs` (a bound on correctness, not a speed measurement). */
async function refusedWithin(call: () => Promise<unknown>, withinMs: number): Promise<string | null> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await call();
    } catch (error) {
      return (error as { data?: { code?: string } }).data?.code ?? 'other';
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('holds at most USER_CACHE_MAX_ENTRIES users and evicts the least recently used', async () => {
  const users = [await signup(), await signup(), await signup(), await signup()];
  for (const user of users) await api.client(user.accessToken).auth.me.query();
  expect(api.server.app.users.size).toBe(3);
  // The first was the least recently used: it was evicted and is read again; the last is still held.
  const [first, , , last] = users;
  expect((await log.during(() => api.client(last!.accessToken).auth.me.query())).filter(readsUser)).toEqual(
    [],
  );
  expect(
    (await log.during(() => api.client(first!.accessToken).auth.me.query())).filter(readsUser),
  ).toHaveLength(1);
  expect(api.server.app.users.size).toBe(3);
});

describe('createUserCache', () => {
  let repositories: Repositories;
  let cache: UserCache | null = null;
  const logger = pino({ level: 'silent' });

  beforeAll(() => {
    repositories = createRepositories(testDatabase.database);
  });
  afterEach(async () => {
    await cache?.stop();
    cache = null;
  });

  /** The real repositories, except that the cache's read of a user answers only when the test says so. */
  function heldReads(): { repositories: Repositories; read: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    let readDone = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const read = new Promise<void>((resolve) => (readDone = resolve));
    const users = {
      ...repositories.users,
      async findProfileById(id: string) {
        const profile = await repositories.users.findProfileById(id);
        readDone();
        await released;
        return profile;
      },
    };
    return { repositories: { ...repositories, users }, read, release };
  }

  it('does not keep a row whose read raced a change: the next call reads the changed row', async () => {
    const user = await repositories.users.insert({ username: uniqueUsername(), passwordHash: 'h' });
    const held = heldReads();
    cache = createUserCache({
      database: testDatabase.database,
      repositories: held.repositories,
      logger,
      maxEntries: 10,
      pollIntervalMs: 3_600_000,
    });
    await cache.start();
    const racing = cache.get(user!.id);
    await held.read;
    await heardAfterCache(user!.id, () => repositories.users.setRole(user!.id, 'admin'));
    held.release();
    // The racing call answers with what it read (the row before the change) but does not keep it.
    expect((await racing)?.role).toBe('user');
    expect(cache.size).toBe(0);
    expect((await cache.get(user!.id))?.role).toBe('admin');
  });

  it('finds a change whose notification never came at the next poll', async () => {
    const user = await repositories.users.insert({ username: uniqueUsername(), passwordHash: 'h' });
    cache = createUserCache({
      database: testDatabase.database,
      repositories,
      logger,
      maxEntries: 10,
      pollIntervalMs: 20,
    });
    await cache.start();
    expect((await cache.get(user!.id))?.username).toBe(user!.username);
    // The change commits with its NOTIFY suppressed, as one sent while the listener was reconnecting is lost.
    await testDatabase.database.orm.transaction(async (tx) => {
      await tx.execute('alter table users disable trigger users_notify_changed');
      await tx.execute(`update users set username = 'renamed-quietly' where id = '${user!.id}'`);
      await tx.execute('alter table users enable trigger users_notify_changed');
    });
    const deadline = Date.now() + 5000;
    while ((await cache.get(user!.id))?.username !== 'renamed-quietly' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await cache.get(user!.id))?.username).toBe('renamed-quietly');
  });

  it('keeps nothing before start and after stop, and shares one read between concurrent calls', async () => {
    const user = await repositories.users.insert({ username: uniqueUsername(), passwordHash: 'h' });
    const counted = { reads: 0 };
    const users = {
      ...repositories.users,
      findProfileById(id: string) {
        counted.reads += 1;
        return repositories.users.findProfileById(id);
      },
    };
    cache = createUserCache({
      database: testDatabase.database,
      repositories: { ...repositories, users },
      logger,
      maxEntries: 10,
      pollIntervalMs: 3_600_000,
    });
    await cache.get(user!.id);
    expect(cache.size).toBe(0);
    await cache.start();
    await Promise.all([cache.get(user!.id), cache.get(user!.id), cache.get(user!.id)]);
    expect(counted.reads).toBe(2);
    expect(cache.size).toBe(1);
    await cache.stop();
    expect(cache.size).toBe(0);
  });
});
