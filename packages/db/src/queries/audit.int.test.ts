import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { users, type User } from '../schema/users.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { at, T0 } from '../testing/fixtures.js';

let db: TestDatabase;
let repos: Repositories;
let ada: User;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
  ada = (await repos.users.insert({ username: 'ada', passwordHash: 'h' }))!;
});
afterEach(() => db.dispose());

describe('audit', () => {
  it('records an event with its context and structured detail', async () => {
    const sessionId = '11111111-1111-4111-8111-111111111111';
    const event = await repos.audit.record({
      type: 'login.ok',
      userId: ada.id,
      sessionId,
      ip: '2001:db8::1',
      userAgent: 'vitest',
      detail: { method: 'password', rehashed: false, attempts: 1 },
      now: T0,
    });
    expect(event).toMatchObject({
      type: 'login.ok',
      userId: ada.id,
      sessionId,
      ip: '2001:db8::1',
      userAgent: 'vitest',
      detail: { method: 'password', rehashed: false, attempts: 1 },
      createdAt: T0,
    });
    expect(await repos.audit.listForUser(ada.id, { limit: 10 })).toEqual([event]);
  });

  it('records an event with no user (a failed login for an unknown name)', async () => {
    const event = await repos.audit.record({
      type: 'login.failed',
      detail: { reason: 'credentials' },
      now: T0,
    });
    expect(event).toMatchObject({ userId: null, sessionId: null, ip: null, userAgent: null });
  });

  it('lists a user’s events newest first, same-instant events by insertion, at most `limit`', async () => {
    const bob = (await repos.users.insert({ username: 'bob', passwordHash: 'h' }))!;
    await repos.audit.record({ type: 'signup', userId: ada.id, now: T0 });
    await repos.audit.record({ type: 'logout', userId: ada.id, now: at(20) });
    await repos.audit.record({ type: 'login.ok', userId: ada.id, now: at(10) });
    await repos.audit.record({ type: 'refresh', userId: ada.id, now: at(10) });
    await repos.audit.record({ type: 'login.ok', userId: bob.id, now: at(30) });

    const all = await repos.audit.listForUser(ada.id, { limit: 10 });
    expect(all.map((event) => event.type)).toEqual(['logout', 'refresh', 'login.ok', 'signup']);
    const latest = await repos.audit.listForUser(ada.id, { limit: 2 });
    expect(latest.map((event) => event.type)).toEqual(['logout', 'refresh']);
  });

  it('keeps the trail when the user is deleted, still under the user id (no foreign key since 0003)', async () => {
    const event = await repos.audit.record({ type: 'signup', userId: ada.id, now: T0 });
    await db.database.orm.delete(users).where(eq(users.id, ada.id));
    const rows = await db.database.orm.query.auditEvents.findMany();
    expect(rows).toEqual([event]);
    expect(await repos.audit.listForUser(ada.id, { limit: 10 })).toEqual([event]);
  });
});
