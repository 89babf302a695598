import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../repositories.js';
import { users } from '../schema/users.js';
import { T0 } from './fixtures.js';
import { createTestDatabase, testDatabaseKind } from './index.js';

describe('createTestDatabase', () => {
  it('hands every call an empty, migrated database, even after an earlier one was filled', async () => {
    const first = await createTestDatabase();
    const heardByFirst: string[] = [];
    await first.database.listen('latchkey_fresh', (payload) => heardByFirst.push(payload));
    const repos = createRepositories(first.database);
    await repos.users.insert({ username: 'ada', passwordHash: 'h' });
    await repos.audit.record({ type: 'signup', now: T0 });
    await first.dispose();

    const second = await createTestDatabase();
    try {
      const [row] = await second.database.orm.select({ n: count() }).from(users);
      expect(row!.n).toBe(0);
      // Identities restart, so the first event of this database is id 1 again.
      expect((await createRepositories(second.database).audit.record({ type: 'signup', now: T0 })).id).toBe(
        1,
      );
      // A listener of the disposed database hears nothing from the new one.
      await second.database.notify('latchkey_fresh', 'leak?');
      await second.database.ping();
      expect(heardByFirst).toEqual([]);
    } finally {
      await second.dispose();
    }
  });

  it('gives parallel calls separate databases', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      await createRepositories(a.database).users.insert({ username: 'only-in-a', passwordHash: 'h' });
      expect(await createRepositories(b.database).users.findByUsername('only-in-a')).toBeNull();
      if (testDatabaseKind === 'postgres') expect(a.url).not.toBe(b.url);
      else expect([a.url, b.url]).toEqual([null, null]);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});
