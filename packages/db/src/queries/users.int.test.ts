import { count, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { users } from '../schema/users.js';
import { auditEvents } from '../schema/audit-events.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { sessions as sessionsTable } from '../schema/sessions.js';
import { tasks } from '../schema/tasks.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../testing/index.js';
import { at, databaseErrorOf, lockWaiters, T0, tokenHash } from '../testing/fixtures.js';

let db: TestDatabase;
let repos: Repositories;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
});
afterEach(() => db.dispose());

async function userCount(): Promise<number> {
  const [row] = await db.database.orm.select({ n: count() }).from(users);
  return row!.n;
}

async function login(userId: string, now = T0) {
  return repos.sessions.create({
    userId,
    refreshTokenHash: tokenHash(),
    userAgent: 'vitest',
    ip: '192.0.2.1',
    now,
    idleTtlSeconds: 3600,
    absoluteTtlSeconds: 86_400,
    authTime: now,
  });
}

describe('users.insert', () => {
  it('creates a user with role "user" by default and keeps the name as typed', async () => {
    const user = await repos.users.insert({ username: 'Ada', passwordHash: '$argon2id$x' });
    expect(user).toMatchObject({
      username: 'Ada',
      passwordHash: '$argon2id$x',
      role: 'user',
      disabledAt: null,
    });
    expect(user!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user!.createdAt).toBeInstanceOf(Date);
    expect(await repos.users.findById(user!.id)).toEqual(user);
  });

  it('creates an admin when asked', async () => {
    const user = await repos.users.insert({ username: 'root', passwordHash: 'h', role: 'admin' });
    expect(user!.role).toBe('admin');
  });

  it('returns null for a name taken in any letter case and writes nothing', async () => {
    await repos.users.insert({ username: 'Grace', passwordHash: 'h1' });
    expect(await repos.users.insert({ username: 'gRACE', passwordHash: 'h2' })).toBeNull();
    expect(await repos.users.insert({ username: 'Grace', passwordHash: 'h3' })).toBeNull();
    expect(await userCount()).toBe(1);
    expect((await repos.users.findByUsername('grace'))!.passwordHash).toBe('h1');
  });

  it('lets exactly one of 20 parallel inserts of one name win', async () => {
    const names = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'linus' : 'LINUS'));
    const results = await Promise.all(
      names.map((username, i) => repos.users.insert({ username, passwordHash: `h${i}` })),
    );
    expect(results.filter((user) => user !== null)).toHaveLength(1);
    expect(await userCount()).toBe(1);
  });

  it('refuses a role outside user/admin at the database (check constraint)', async () => {
    const message = await databaseErrorOf(
      db.database.orm.execute(
        sql`insert into users (username, password_hash, role) values ('x', 'h', 'root')`,
      ),
    );
    expect(message).toMatch(/violates check constraint "users_role_check"/);
    expect(await userCount()).toBe(0);
  });
});

describe('users look-ups', () => {
  it('finds a user by name in any letter case', async () => {
    const user = await repos.users.insert({ username: 'Margaret', passwordHash: 'h' });
    expect(await repos.users.findByUsername('MARGARET')).toEqual(user);
    expect(await repos.users.findByUsername('margaret')).toEqual(user);
    expect(await repos.users.findByUsername('margare')).toBeNull();
  });

  it('returns null for an unknown or malformed id', async () => {
    expect(await repos.users.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await repos.users.findById('not-a-uuid')).toBeNull();
    expect(await repos.users.findById("' or 1=1 --")).toBeNull();
  });

  it('lists users oldest first', async () => {
    const a = await repos.users.insert({ username: 'a', passwordHash: 'h' });
    await db.database.orm
      .update(users)
      .set({ createdAt: at(-60) })
      .where(eq(users.id, a!.id));
    const b = await repos.users.insert({ username: 'b', passwordHash: 'h' });
    const c = await repos.users.insert({ username: 'c', passwordHash: 'h' });
    await db.database.orm
      .update(users)
      .set({ createdAt: at(60) })
      .where(eq(users.id, b!.id));
    await db.database.orm
      .update(users)
      .set({ createdAt: at(0) })
      .where(eq(users.id, c!.id));
    expect((await repos.users.list()).map((user) => user.username)).toEqual(['a', 'c', 'b']);
  });
});

describe('users.updatePasswordHash', () => {
  it('moves passwordChangedAt only for a real change', async () => {
    const user = await repos.users.insert({ username: 'ken', passwordHash: 'old' });
    const rehashed = await repos.users.updatePasswordHash(user!.id, 'rehashed');
    expect(rehashed).toMatchObject({ passwordHash: 'rehashed', passwordChangedAt: user!.passwordChangedAt });
    const changed = await repos.users.updatePasswordHash(user!.id, 'new', { changedAt: at(10) });
    expect(changed).toMatchObject({ passwordHash: 'new', passwordChangedAt: at(10) });
    expect((await repos.users.findById(user!.id))!.passwordHash).toBe('new');
  });

  it('returns null for an unknown user', async () => {
    expect(await repos.users.updatePasswordHash('00000000-0000-4000-8000-000000000000', 'h')).toBeNull();
  });
});

describe('users.rehashPassword', () => {
  it('replaces the hash it was given, keeping passwordChangedAt', async () => {
    const user = await repos.users.insert({ username: 'ken', passwordHash: 'weak' });
    const rehashed = await repos.users.rehashPassword(user!.id, { currentHash: 'weak', newHash: 'strong' });
    expect(rehashed).toMatchObject({ passwordHash: 'strong', passwordChangedAt: user!.passwordChangedAt });
  });

  it('writes nothing when the stored hash moved on (a change committed meanwhile)', async () => {
    const user = await repos.users.insert({ username: 'ken', passwordHash: 'weak' });
    await repos.users.changePassword({
      userId: user!.id,
      currentHash: 'weak',
      newHash: 'changed',
      now: at(1),
      reason: 'password-changed',
    });
    expect(
      await repos.users.rehashPassword(user!.id, { currentHash: 'weak', newHash: 'old-password-again' }),
    ).toBeNull();
    expect((await repos.users.findById(user!.id))!.passwordHash).toBe('changed');
    expect(await repos.users.rehashPassword('not-a-uuid', { currentHash: 'a', newHash: 'b' })).toBeNull();
  });
});

describe('users.changePassword', () => {
  it('changes the hash and passwordChangedAt and revokes every other live session in one call', async () => {
    const user = await repos.users.insert({ username: 'barbara', passwordHash: 'old' });
    const other = await repos.users.insert({ username: 'alan', passwordHash: 'h' });
    const current = await login(user!.id);
    const stolen = await login(user!.id);
    const othersSession = await login(other!.id);

    const changed = await repos.users.changePassword({
      userId: user!.id,
      currentHash: 'old',
      newHash: 'new',
      now: at(5),
      reason: 'password-changed',
      exceptSessionId: current.id,
    });

    expect(changed).toMatchObject({
      user: { id: user!.id, passwordHash: 'new', passwordChangedAt: at(5) },
      revokedSessionIds: [stolen.id],
    });
    const rows = new Map((await db.database.orm.select().from(sessionsTable)).map((row) => [row.id, row]));
    expect(rows.get(stolen.id)).toMatchObject({ revokedAt: at(5), revokedReason: 'password-changed' });
    expect(rows.get(current.id)).toMatchObject({ revokedAt: null });
    expect(rows.get(othersSession.id)).toMatchObject({ revokedAt: null });
  });

  it('writes nothing when the hash is no longer the one checked, or the account is disabled', async () => {
    const user = await repos.users.insert({ username: 'barbara', passwordHash: 'old' });
    const live = await login(user!.id);
    const change = (currentHash: string) =>
      repos.users.changePassword({
        userId: user!.id,
        currentHash,
        newHash: 'attacker',
        now: at(5),
        reason: 'password-changed',
      });
    expect(await change('stale')).toBeNull();
    await repos.users.disable(user!.id, { now: at(1), reason: 'user-disabled' });
    expect(await change('old')).toBeNull();
    const stored = await repos.users.findById(user!.id);
    expect(stored).toMatchObject({ passwordHash: 'old', passwordChangedAt: user!.passwordChangedAt });
    const [row] = await db.database.orm.select().from(sessionsTable).where(eq(sessionsTable.id, live.id));
    expect(row).toMatchObject({ revokedReason: 'user-disabled' });
    expect(
      await repos.users.changePassword({
        userId: 'not-a-uuid',
        currentHash: 'old',
        newHash: 'x',
        now: at(5),
        reason: 'password-changed',
      }),
    ).toBeNull();
  });
});

// PGlite runs one transaction at a time, so only PostgreSQL can interleave these.
if (testDatabaseKind === 'postgres') {
  describe('a change or a disable waiting for a login on PostgreSQL', () => {
    // What sessions.createForVerifiedUser does, held open: lock the user row as seen, insert the session.
    async function loginHolding(userId: string, during: () => Promise<unknown>): Promise<string> {
      return db.database.orm.transaction(async (tx) => {
        await tx.execute(sql`select id from users where id = ${userId} for share`);
        const [session] = await tx
          .insert(sessionsTable)
          .values({
            userId,
            createdAt: at(1),
            lastUsedAt: at(1),
            expiresAt: at(3600),
            absoluteExpiresAt: at(3600),
            authTime: at(1),
          })
          .returning({ id: sessionsTable.id });
        await during();
        return session!.id;
      });
    }

    it('the change revokes the session a login created while the change waited', async () => {
      const user = await repos.users.insert({ username: 'barbara', passwordHash: 'old' });
      let change: Promise<unknown> = Promise.resolve();
      const sessionId = await loginHolding(user!.id, async () => {
        change = repos.users.changePassword({
          userId: user!.id,
          currentHash: 'old',
          newHash: 'new',
          now: at(5),
          reason: 'password-changed',
        });
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await change).toMatchObject({ revokedSessionIds: [sessionId] });
    });

    it('the disable revokes the session a login created while the disable waited', async () => {
      const user = await repos.users.insert({ username: 'edsger', passwordHash: 'h' });
      let disable: Promise<unknown> = Promise.resolve();
      const sessionId = await loginHolding(user!.id, async () => {
        disable = repos.users.disable(user!.id, { now: at(5), reason: 'user-disabled' });
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await disable).toMatchObject({ revokedSessionIds: [sessionId] });
    });

    it('the deletion revokes the session a login created while the deletion waited', async () => {
      const user = await repos.users.insert({ username: 'alonzo', passwordHash: 'h' });
      let deletion: Promise<unknown> = Promise.resolve();
      const sessionId = await loginHolding(user!.id, async () => {
        deletion = repos.users.deleteAccount({ userId: user!.id, verifiedPasswordHash: 'h', now: at(5) });
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await deletion).toEqual({ revokedSessionIds: [sessionId] });
      const [row] = await db.database.orm.select().from(sessionsTable).where(eq(sessionsTable.id, sessionId));
      expect(row).toMatchObject({ revokedAt: at(5), revokedReason: 'account-deleted' });
    });

    it('a login that waited for the deletion finds no account and creates no session', async () => {
      const user = await repos.users.insert({ username: 'kurt', passwordHash: 'h' });
      let created: Promise<unknown> = Promise.resolve();
      await db.database.orm.transaction(async (tx) => {
        await tx.execute(sql`delete from users where id = ${user!.id}`);
        created = repos.sessions.createForVerifiedUser({
          userId: user!.id,
          verifiedPasswordHash: 'h',
          refreshTokenHash: tokenHash(),
          userAgent: null,
          ip: null,
          now: at(1),
          idleTtlSeconds: 3600,
          absoluteTtlSeconds: 86_400,
          authTime: at(1),
        });
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await created).toBeNull();
      expect(await db.database.orm.select().from(sessionsTable)).toEqual([]);
    });
  });
}

describe('users.enable', () => {
  it('clears disabledAt and leaves the revoked sessions revoked', async () => {
    const user = await repos.users.insert({ username: 'ada', passwordHash: 'h' });
    const session = await login(user!.id);
    await repos.users.disable(user!.id, { now: at(1), reason: 'user-disabled' });
    expect(await repos.users.enable(user!.id)).toMatchObject({ id: user!.id, disabledAt: null });
    expect(await repos.sessions.findActiveById(session.id, at(2))).toBeNull();
  });

  it('returns null for an unknown or malformed id', async () => {
    expect(await repos.users.enable('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await repos.users.enable('nope')).toBeNull();
  });
});

describe('users.deleteAccount', () => {
  it('deletes the account, its tasks and token hashes, and keeps its sessions as bare revoked rows', async () => {
    const user = await repos.users.insert({ username: 'Ada', passwordHash: 'h' });
    const other = await repos.users.insert({ username: 'bob', passwordHash: 'h' });
    const live = await login(user!.id);
    const ended = await login(user!.id);
    await repos.sessions.revoke({ sessionId: ended.id, userId: user!.id, reason: 'logout', now: at(1) });
    const othersSession = await login(other!.id);
    await repos.tasks.create(user!.id, { title: 'mine' }, at(1));
    await repos.tasks.create(other!.id, { title: 'theirs' }, at(1));
    await repos.audit.record({ type: 'login.ok', userId: user!.id, sessionId: live.id, now: at(1) });

    const deleted = await repos.users.deleteAccount({
      userId: user!.id,
      verifiedPasswordHash: 'h',
      now: at(5),
    });

    expect(deleted).toEqual({ revokedSessionIds: [live.id] });
    expect(await repos.users.findById(user!.id)).toBeNull();
    expect(await repos.users.findByUsername('ada')).toBeNull();
    expect((await db.database.orm.select().from(tasks)).map((task) => task.title)).toEqual(['theirs']);
    const rows = new Map((await db.database.orm.select().from(sessionsTable)).map((row) => [row.id, row]));
    const bare = { userId: user!.id, ip: null, userAgent: null };
    expect(rows.get(live.id)).toMatchObject({ ...bare, revokedAt: at(5), revokedReason: 'account-deleted' });
    expect(rows.get(ended.id)).toMatchObject({ ...bare, revokedAt: at(1), revokedReason: 'logout' });
    expect(rows.get(othersSession.id)).toMatchObject({ revokedAt: null, ip: '192.0.2.1' });
    const tokens = await db.database.orm.select().from(refreshTokens);
    expect(tokens.map((token) => token.sessionId)).toEqual([othersSession.id]);
    // The trail keeps naming the account by its id.
    const [event] = await db.database.orm.select().from(auditEvents);
    expect(event).toMatchObject({ type: 'login.ok', userId: user!.id });
    // Every instance still reads the revocation.
    const { revoked } = await repos.sessions.readRevocations({ revokedSince: at(4) });
    expect(revoked).toEqual([{ sessionId: live.id, revokedAt: at(5) }]);
  });

  it('writes nothing when the hash is no longer the one checked, or the account is disabled', async () => {
    const user = await repos.users.insert({ username: 'grace', passwordHash: 'h' });
    const live = await login(user!.id);
    const remove = (verifiedPasswordHash: string) =>
      repos.users.deleteAccount({ userId: user!.id, verifiedPasswordHash, now: at(5) });
    expect(await remove('stale')).toBeNull();
    expect(await repos.sessions.findActiveById(live.id, at(6))).not.toBeNull();
    await repos.users.disable(user!.id, { now: at(1), reason: 'user-disabled' });
    expect(await remove('h')).toBeNull();
    expect(await repos.users.findById(user!.id)).not.toBeNull();
    expect(
      await repos.users.deleteAccount({ userId: 'x', verifiedPasswordHash: 'h', now: at(5) }),
    ).toBeNull();
  });

  it('frees the name at once: a new account under it has a new id and inherits nothing', async () => {
    const user = await repos.users.insert({ username: 'linus', passwordHash: 'h' });
    await login(user!.id);
    await repos.users.deleteAccount({ userId: user!.id, verifiedPasswordHash: 'h', now: at(5) });
    const again = await repos.users.insert({ username: 'Linus', passwordHash: 'h2' });
    expect(again!.id).not.toBe(user!.id);
    expect(await repos.sessions.listEndedForUser(again!.id, { limit: 10 })).toEqual([]);
  });
});

describe('users.setRole', () => {
  it('changes the role and returns the user', async () => {
    const user = await repos.users.insert({ username: 'barbara', passwordHash: 'h' });
    expect(await repos.users.setRole(user!.id, 'admin')).toMatchObject({ id: user!.id, role: 'admin' });
    expect((await repos.users.findById(user!.id))!.role).toBe('admin');
    expect(await repos.users.setRole(user!.id, 'user')).toMatchObject({ role: 'user' });
  });

  it('returns null for an unknown user', async () => {
    expect(await repos.users.setRole('00000000-0000-4000-8000-000000000000', 'admin')).toBeNull();
  });
});

describe('users.disable', () => {
  it('disables the user and revokes every live session in one call', async () => {
    const user = await repos.users.insert({ username: 'edsger', passwordHash: 'h' });
    const other = await repos.users.insert({ username: 'tony', passwordHash: 'h' });
    const live1 = await login(user!.id);
    const live2 = await login(user!.id);
    const alreadyRevoked = await login(user!.id);
    const othersSession = await login(other!.id);
    await repos.sessions.revoke({
      sessionId: alreadyRevoked.id,
      userId: user!.id,
      reason: 'logout',
      now: at(1),
    });

    const result = await repos.users.disable(user!.id, { now: at(5), reason: 'user-disabled' });

    expect(result!.user).toMatchObject({ id: user!.id, disabledAt: at(5) });
    expect(result!.revokedSessionIds.sort()).toEqual([live1.id, live2.id].sort());
    const rows = await db.database.orm.select().from(sessionsTable);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(live1.id)).toMatchObject({ revokedAt: at(5), revokedReason: 'user-disabled' });
    expect(byId.get(alreadyRevoked.id)).toMatchObject({ revokedAt: at(1), revokedReason: 'logout' });
    expect(byId.get(othersSession.id)).toMatchObject({ revokedAt: null });
    expect(await repos.sessions.findActiveById(othersSession.id, at(6))).not.toBeNull();
  });

  it('keeps the first disabledAt when disabling again and revokes nothing more', async () => {
    const user = await repos.users.insert({ username: 'niklaus', passwordHash: 'h' });
    await repos.users.disable(user!.id, { now: at(5), reason: 'user-disabled' });
    const again = await repos.users.disable(user!.id, { now: at(50), reason: 'user-disabled' });
    expect(again).toMatchObject({ user: { disabledAt: at(5) }, revokedSessionIds: [] });
  });

  it('returns null for an unknown user', async () => {
    expect(
      await repos.users.disable('00000000-0000-4000-8000-000000000000', { now: T0, reason: 'user-disabled' }),
    ).toBeNull();
  });
});

describe('users.readChangesSince and the user-changed trigger', () => {
  it('finds a user written by any statement after the cursor, and not one written before', async () => {
    const before = await repos.users.insert({ username: 'before', passwordHash: 'h' });
    const after = await repos.users.insert({ username: 'after', passwordHash: 'h' });
    const cursor = await repos.users.changeCursor();
    // A hand-written UPDATE, as psql or a tool would send it, without going through the repository.
    await db.database.orm.execute(sql`update users set role = 'admin' where id = ${after!.id}`);
    const batch = await repos.users.readChangesSince(cursor);
    expect(batch.userIds).toContain(after!.id);
    expect(batch.userIds).not.toContain(before!.id);
    const next = await repos.users.readChangesSince(batch.cursor);
    expect(next.userIds).not.toContain(before!.id);
  });

  it('announces every update and delete on latchkey_user_changed with the user id, and no insert', async () => {
    const heard: string[] = [];
    const stop = await db.database.listen('latchkey_user_changed', (payload) => heard.push(payload));
    try {
      const user = await repos.users.insert({ username: 'heard', passwordHash: 'h' });
      await repos.users.setRole(user!.id, 'admin');
      await db.database.orm.execute(sql`delete from users where id = ${user!.id}`);
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual([user!.id, user!.id]);
    } finally {
      await stop();
    }
  });

  it('refuses a cursor that is not one', async () => {
    await expect(repos.users.readChangesSince('1; drop table users')).rejects.toThrow(TypeError);
  });

  it('reads the profile without the password hash', async () => {
    const user = await repos.users.insert({ username: 'profile', passwordHash: 'secret-hash' });
    const profile = await repos.users.findProfileById(user!.id);
    expect(profile).toEqual({
      id: user!.id,
      username: 'profile',
      role: 'user',
      disabledAt: null,
      createdAt: user!.createdAt,
    });
    expect(await repos.users.findProfileById('not-a-uuid')).toBeNull();
  });
});
