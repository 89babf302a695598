import { count, eq, isNull, and, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { sessions } from '../schema/sessions.js';
import { users, type User } from '../schema/users.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../testing/index.js';
import { at, databaseErrorOf, lockWaiters, T0, tokenHash } from '../testing/fixtures.js';

const IDLE = 3600;
const ABSOLUTE = 4 * 3600;
const GRACE = 10;

let db: TestDatabase;
let repos: Repositories;
let ada: User;
let bob: User;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
  ada = (await repos.users.insert({ username: 'ada', passwordHash: 'h' }))!;
  bob = (await repos.users.insert({ username: 'bob', passwordHash: 'h' }))!;
});
afterEach(() => db.dispose());

async function login(user: User, now = T0, hash = tokenHash()) {
  const session = await repos.sessions.create({
    userId: user.id,
    refreshTokenHash: hash,
    userAgent: 'vitest',
    ip: '192.0.2.1',
    now,
    idleTtlSeconds: IDLE,
    absoluteTtlSeconds: ABSOLUTE,
    authTime: now,
  });
  return { session, hash };
}

function loginVerified(user: User, verifiedPasswordHash: string, now = T0) {
  return repos.sessions.createForVerifiedUser({
    userId: user.id,
    refreshTokenHash: tokenHash(),
    userAgent: 'vitest',
    ip: '192.0.2.1',
    now,
    idleTtlSeconds: IDLE,
    absoluteTtlSeconds: ABSOLUTE,
    authTime: now,
    verifiedPasswordHash,
  });
}

async function sessionCount(): Promise<number> {
  const [row] = await db.database.orm.select({ n: count() }).from(sessions);
  return row!.n;
}

function rotate(
  presentedHash: string,
  now: Date,
  nextHash = tokenHash(),
  ip: string | null = '198.51.100.7',
) {
  return repos.sessions.rotateRefreshToken({
    presentedHash,
    nextHash,
    successorSealed: `sealed:${nextHash}`,
    now,
    graceSeconds: GRACE,
    idleTtlSeconds: IDLE,
    ip,
  });
}

async function chain(sessionId: string) {
  return db.database.orm.select().from(refreshTokens).where(eq(refreshTokens.sessionId, sessionId));
}

async function sessionRow(id: string) {
  const [row] = await db.database.orm.select().from(sessions).where(eq(sessions.id, id));
  return row!;
}

describe('sessions.create', () => {
  it('writes the session with sliding and absolute expiry and one current refresh token', async () => {
    const { session, hash } = await login(ada);
    expect(session).toMatchObject({
      userId: ada.id,
      createdAt: T0,
      lastUsedAt: T0,
      authTime: T0,
      expiresAt: at(IDLE),
      absoluteExpiresAt: at(ABSOLUTE),
      revokedAt: null,
      revokedReason: null,
      userAgent: 'vitest',
      ip: '192.0.2.1',
    });
    expect(await chain(session.id)).toEqual([
      {
        tokenHash: hash,
        sessionId: session.id,
        createdAt: T0,
        rotatedAt: null,
        successorHash: null,
        successorSealed: null,
      },
    ]);
  });

  it('caps the first expiry at the absolute lifetime', async () => {
    const session = await repos.sessions.create({
      userId: ada.id,
      refreshTokenHash: tokenHash(),
      userAgent: null,
      ip: null,
      now: T0,
      idleTtlSeconds: 7200,
      absoluteTtlSeconds: 60,
      authTime: T0,
    });
    expect(session.expiresAt).toEqual(at(60));
  });

  it('writes nothing when the refresh-token row fails (one transaction)', async () => {
    const message = await databaseErrorOf(login(ada, T0, 'NOT-A-SHA256-HEX'));
    expect(message).toMatch(/refresh_tokens_hash_is_sha256_hex/);
    const [row] = await db.database.orm.select({ n: count() }).from(sessions);
    expect(row!.n).toBe(0);
  });

  it('refuses a refresh-token hash that already exists, leaving only the first session', async () => {
    const { hash } = await login(ada);
    const message = await databaseErrorOf(login(bob, T0, hash));
    expect(message).toMatch(/duplicate key|unique/i);
    const rows = await db.database.orm.select().from(sessions);
    expect(rows.map((row) => row.userId)).toEqual([ada.id]);
  });
});

describe('sessions.createForVerifiedUser', () => {
  it('creates the session and its first token while the user row is as the password was checked', async () => {
    const session = await loginVerified(ada, 'h');
    expect(session).toMatchObject({ userId: ada.id, createdAt: T0, expiresAt: at(IDLE), revokedAt: null });
    expect(await chain(session!.id)).toHaveLength(1);
  });

  it('writes nothing when the password hash is no longer the one that was checked', async () => {
    await repos.users.changePassword({
      userId: ada.id,
      currentHash: 'h',
      newHash: 'h2',
      now: at(1),
      reason: 'password-changed',
    });
    expect(await loginVerified(ada, 'h', at(2))).toBeNull();
    expect(await sessionCount()).toBe(0);
    expect(await db.database.orm.select().from(refreshTokens)).toEqual([]);
  });

  it('writes nothing for a disabled user, an unknown one or a malformed id', async () => {
    await repos.users.disable(ada.id, { now: at(1), reason: 'user-disabled' });
    expect(await loginVerified(ada, 'h', at(2))).toBeNull();
    expect(await loginVerified({ ...bob, id: '00000000-0000-4000-8000-000000000000' }, 'h')).toBeNull();
    expect(await loginVerified({ ...bob, id: 'not-a-uuid' }, 'h')).toBeNull();
    expect(await sessionCount()).toBe(0);
  });
});

// PGlite runs one transaction at a time, so only PostgreSQL can interleave these.
if (testDatabaseKind === 'postgres') {
  describe('sessions racing a change or a disable on PostgreSQL', () => {
    it('waits for a password change in flight and then creates nothing', async () => {
      let login: Promise<unknown> = Promise.resolve();
      await db.database.orm.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash: 'h2' }).where(eq(users.id, ada.id));
        login = loginVerified(ada, 'h', at(1));
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await login).toBeNull();
      expect(await sessionCount()).toBe(0);
    });

    it('waits for a disable in flight and then creates nothing', async () => {
      let login: Promise<unknown> = Promise.resolve();
      await db.database.orm.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ disabledAt: at(1) })
          .where(eq(users.id, ada.id));
        login = loginVerified(ada, 'h', at(1));
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await login).toBeNull();
      expect(await sessionCount()).toBe(0);
    });

    it('a rotation waiting for a disable in flight ends revoked, with no successor written', async () => {
      const { session, hash } = await login(ada);
      let rotation: Promise<unknown> = Promise.resolve();
      await db.database.orm.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ disabledAt: at(1) })
          .where(eq(users.id, ada.id));
        await tx
          .update(sessions)
          .set({ revokedAt: at(1), revokedReason: 'user-disabled' })
          .where(eq(sessions.userId, ada.id));
        rotation = rotate(hash, at(2));
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await rotation).toEqual({ kind: 'revoked', sessionId: session.id, userId: ada.id });
      expect(await chain(session.id)).toHaveLength(1);
    });

    it('creates the session when the update in flight touched neither the hash nor disabled_at', async () => {
      let login: Promise<unknown> = Promise.resolve();
      await db.database.orm.transaction(async (tx) => {
        await tx.update(users).set({ role: 'admin' }).where(eq(users.id, ada.id));
        login = loginVerified(ada, 'h', at(1));
        await expect.poll(() => lockWaiters(db.database.orm)).toBe(1);
      });
      expect(await login).toMatchObject({ userId: ada.id });
    });
  });
}

describe('sessions.rotateRefreshToken', () => {
  it('rotates a current token: marks it rotated, makes the next current and slides the expiry', async () => {
    const { session, hash } = await login(ada);
    const next = tokenHash();
    const result = await rotate(hash, at(600), next);

    expect(result).toMatchObject({
      kind: 'rotated',
      user: { id: ada.id },
      session: {
        id: session.id,
        lastUsedAt: at(600),
        expiresAt: at(600 + IDLE),
        absoluteExpiresAt: at(ABSOLUTE),
      },
    });
    const rows = await chain(session.id);
    expect(rows.find((row) => row.tokenHash === hash)).toMatchObject({
      rotatedAt: at(600),
      successorHash: next,
      successorSealed: `sealed:${next}`,
    });
    expect(rows.find((row) => row.tokenHash === next)).toMatchObject({ rotatedAt: null, createdAt: at(600) });
  });

  it('records each rotation’s address as last used and keeps the login’s address', async () => {
    const { session, hash } = await login(ada);
    expect(await sessionRow(session.id)).toMatchObject({ ip: '192.0.2.1', lastUsedIp: '192.0.2.1' });

    const next = tokenHash();
    const first = await rotate(hash, at(600), next, '2001:db8::7');
    expect(first).toMatchObject({ kind: 'rotated', session: { ip: '192.0.2.1', lastUsedIp: '2001:db8::7' } });
    await rotate(next, at(1200), tokenHash(), '203.0.113.9');
    expect(await sessionRow(session.id)).toMatchObject({ ip: '192.0.2.1', lastUsedIp: '203.0.113.9' });
  });

  it('leaves the last-used address alone for a grace duplicate and for a replay', async () => {
    const { session, hash } = await login(ada);
    await rotate(hash, at(100), tokenHash(), '203.0.113.9');

    expect((await rotate(hash, at(100 + GRACE), tokenHash(), '198.51.100.66')).kind).toBe('grace');
    expect((await sessionRow(session.id)).lastUsedIp).toBe('203.0.113.9');
    expect((await rotate(hash, at(100 + GRACE + 1), tokenHash(), '198.51.100.66')).kind).toBe('reuse');
    expect((await sessionRow(session.id)).lastUsedIp).toBe('203.0.113.9');
  });

  it('never slides the expiry past the absolute cap', async () => {
    const { session, hash } = await login(ada);
    let current = hash;
    for (const t of [3000, 6000, 9000, 12_000, ABSOLUTE - 60]) {
      const next = tokenHash();
      const result = await rotate(current, at(t), next);
      expect(result.kind).toBe('rotated');
      current = next;
    }
    // 60 s before the cap, a full idle period would overshoot it: the expiry stops at the cap.
    expect(await sessionRow(session.id)).toMatchObject({
      lastUsedAt: at(ABSOLUTE - 60),
      expiresAt: at(ABSOLUTE),
    });
  });

  it('answers a duplicate within the grace window with the sealed successor and changes nothing', async () => {
    const { session, hash } = await login(ada);
    const next = tokenHash();
    await rotate(hash, at(100), next);
    const before = await chain(session.id);

    const result = await rotate(hash, at(100 + GRACE));

    expect(result).toMatchObject({
      kind: 'grace',
      successorSealed: `sealed:${next}`,
      session: { id: session.id },
    });
    expect(await chain(session.id)).toEqual(before);
    expect((await sessionRow(session.id)).revokedAt).toBeNull();
  });

  it('treats a rotated token presented after the grace window as reuse and revokes the session', async () => {
    const { session, hash } = await login(ada);
    const next = tokenHash();
    await rotate(hash, at(100), next);

    const result = await rotate(hash, at(100 + GRACE + 1));

    expect(result).toEqual({ kind: 'reuse', sessionId: session.id, userId: ada.id });
    expect(await sessionRow(session.id)).toMatchObject({
      revokedAt: at(100 + GRACE + 1),
      revokedReason: 'refresh-reuse',
    });
    // The legitimate holder's current token dies with the session.
    expect(await rotate(next, at(120))).toEqual({ kind: 'revoked', sessionId: session.id, userId: ada.id });
    expect(await repos.sessions.findActiveById(session.id, at(120))).toBeNull();
  });

  it('recognises reuse of ANY earlier token of the chain, even inside the grace window', async () => {
    const { session, hash: first } = await login(ada);
    const second = tokenHash();
    await rotate(first, at(100), second);
    await rotate(second, at(101));

    // `first` was rotated 2 s ago, but its successor is no longer current: not a race, a replay.
    const result = await rotate(first, at(102));

    expect(result).toEqual({ kind: 'reuse', sessionId: session.id, userId: ada.id });
    expect((await sessionRow(session.id)).revokedReason).toBe('refresh-reuse');
  });

  it('reports revoked for a token of a revoked session', async () => {
    const { session, hash } = await login(ada);
    await repos.sessions.revoke({ sessionId: session.id, userId: ada.id, reason: 'logout', now: at(5) });
    expect(await rotate(hash, at(6))).toEqual({ kind: 'revoked', sessionId: session.id, userId: ada.id });
    expect(await chain(session.id)).toHaveLength(1);
  });

  it('reports revoked when the user is disabled', async () => {
    const { session, hash } = await login(ada);
    // Disable the user without touching the session, to prove the user check stands on its own.
    await db.database.orm
      .update(users)
      .set({ disabledAt: at(1) })
      .where(eq(users.id, ada.id));
    expect(await rotate(hash, at(6))).toEqual({ kind: 'revoked', sessionId: session.id, userId: ada.id });
    expect(await chain(session.id)).toHaveLength(1);
  });

  it('reports expired after the idle lifetime without a refresh', async () => {
    const { session, hash } = await login(ada);
    expect(await rotate(hash, at(IDLE))).toEqual({ kind: 'expired', sessionId: session.id, userId: ada.id });
    expect(await chain(session.id)).toHaveLength(1);
  });

  it('reports expired at the absolute cap even when refreshed all along', async () => {
    const { session, hash } = await login(ada);
    let current = hash;
    for (let t = IDLE - 1; t < ABSOLUTE; t += IDLE - 1) {
      const next = tokenHash();
      expect((await rotate(current, at(t), next)).kind).toBe('rotated');
      current = next;
    }
    expect(await rotate(current, at(ABSOLUTE))).toEqual({
      kind: 'expired',
      sessionId: session.id,
      userId: ada.id,
    });
  });

  it('reports unknown for a hash that was never issued', async () => {
    await login(ada);
    expect(await rotate(tokenHash(), at(1))).toEqual({ kind: 'unknown' });
  });

  it('lets exactly one of 10 parallel rotations of one token rotate; the rest get its successor', async () => {
    const { session, hash } = await login(ada);
    const nexts = Array.from({ length: 10 }, () => tokenHash());

    const results = await Promise.all(nexts.map((next) => rotate(hash, at(30), next)));

    const rotated = results.filter((result) => result.kind === 'rotated');
    const grace = results.filter((result) => result.kind === 'grace');
    expect(rotated).toHaveLength(1);
    expect(grace).toHaveLength(9);
    const rows = await chain(session.id);
    const current = rows.filter((row) => row.rotatedAt === null);
    expect(rows).toHaveLength(2);
    expect(current).toHaveLength(1);
    expect(nexts).toContain(current[0]!.tokenHash);
    for (const result of grace) expect(result.successorSealed).toBe(`sealed:${current[0]!.tokenHash}`);
    expect((await sessionRow(session.id)).revokedAt).toBeNull();
  });
});

describe('sessions.findActiveById', () => {
  it('returns the session with its user while live', async () => {
    const { session } = await login(ada);
    expect(await repos.sessions.findActiveById(session.id, at(1))).toEqual({ session, user: ada });
  });

  it('returns null when revoked, expired, the user is disabled, or the id is unknown or malformed', async () => {
    const { session } = await login(ada);
    expect(await repos.sessions.findActiveById(session.id, at(IDLE))).toBeNull();
    const revoked = (await login(ada)).session;
    await repos.sessions.revoke({ sessionId: revoked.id, userId: ada.id, reason: 'logout', now: at(1) });
    expect(await repos.sessions.findActiveById(revoked.id, at(2))).toBeNull();
    const bobs = (await login(bob)).session;
    await db.database.orm
      .update(users)
      .set({ disabledAt: at(1) })
      .where(eq(users.id, bob.id));
    expect(await repos.sessions.findActiveById(bobs.id, at(2))).toBeNull();
    expect(await repos.sessions.findActiveById('00000000-0000-4000-8000-000000000000', at(2))).toBeNull();
    expect(await repos.sessions.findActiveById('nope', at(2))).toBeNull();
  });
});

describe('sessions.listActiveForUser', () => {
  it('lists the user’s live sessions, most recently used first', async () => {
    const older = await login(ada, T0);
    const newer = await login(ada, at(10));
    const revoked = await login(ada, at(20));
    const expired = await login(ada, at(-IDLE));
    await login(bob, at(30));
    await repos.sessions.revoke({
      sessionId: revoked.session.id,
      userId: ada.id,
      reason: 'logout',
      now: at(21),
    });
    await rotate(older.hash, at(40));

    const list = await repos.sessions.listActiveForUser(ada.id, at(50));

    expect(list.map((session) => session.id)).toEqual([older.session.id, newer.session.id]);
    expect(list.map((session) => session.id)).not.toContain(expired.session.id);
  });
});

describe('sessions.listEndedForUser', () => {
  it('lists the user’s revoked sessions, most recently ended first, at most `limit`, with their reasons', async () => {
    const first = await login(ada);
    const second = await login(ada);
    const third = await login(ada);
    await login(ada); // live
    await login(ada, at(-IDLE)); // expired, never revoked
    const bobs = await login(bob);
    const revoke = (sessionId: string, userId: string, reason: 'logout' | 'revoked-by-admin', now: Date) =>
      repos.sessions.revoke({ sessionId, userId, reason, now });
    await revoke(second.session.id, ada.id, 'revoked-by-admin', at(10));
    await revoke(first.session.id, ada.id, 'logout', at(20));
    await revoke(third.session.id, ada.id, 'logout', at(5));
    await revoke(bobs.session.id, bob.id, 'logout', at(30));

    const ended = await repos.sessions.listEndedForUser(ada.id, { limit: 2 });

    expect(ended.map((session) => [session.id, session.revokedReason])).toEqual([
      [first.session.id, 'logout'],
      [second.session.id, 'revoked-by-admin'],
    ]);
    expect(await repos.sessions.listEndedForUser(ada.id, { limit: 10 })).toHaveLength(3);
    expect(await repos.sessions.listEndedForUser('nope', { limit: 10 })).toEqual([]);
  });

  it('refuses a revocation reason outside the known set at the database (check constraint)', async () => {
    const { session } = await login(ada);
    const error = await databaseErrorOf(
      db.database.orm.execute(
        sql`update sessions set revoked_at = now(), revoked_reason = 'because' where id = ${session.id}`,
      ),
    );
    expect(error).toContain('sessions_revoked_reason_known');
  });
});

describe('sessions.revoke', () => {
  it('revokes only the owner’s live session, once', async () => {
    const { session } = await login(ada);
    expect(
      await repos.sessions.revoke({ sessionId: session.id, userId: bob.id, reason: 'logout', now: at(1) }),
    ).toBe(false);
    expect((await sessionRow(session.id)).revokedAt).toBeNull();
    expect(
      await repos.sessions.revoke({ sessionId: session.id, userId: ada.id, reason: 'logout', now: at(2) }),
    ).toBe(true);
    expect(
      await repos.sessions.revoke({
        sessionId: session.id,
        userId: ada.id,
        reason: 'logout-all',
        now: at(3),
      }),
    ).toBe(false);
    expect(await sessionRow(session.id)).toMatchObject({ revokedAt: at(2), revokedReason: 'logout' });
    expect(
      await repos.sessions.revoke({ sessionId: 'x', userId: ada.id, reason: 'logout', now: at(3) }),
    ).toBe(false);
  });
});

describe('sessions.revokeByRefreshHash', () => {
  it('revokes the session of any token of its chain, once', async () => {
    const { session, hash } = await login(ada);
    await rotate(hash, at(1));
    expect(await repos.sessions.revokeByRefreshHash(hash, 'logout', at(2))).toEqual({
      sessionId: session.id,
      userId: ada.id,
    });
    expect(await sessionRow(session.id)).toMatchObject({ revokedAt: at(2), revokedReason: 'logout' });
    expect(await repos.sessions.revokeByRefreshHash(hash, 'logout', at(3))).toBeNull();
    expect(await repos.sessions.revokeByRefreshHash(tokenHash(), 'logout', at(3))).toBeNull();
  });
});

describe('sessions.findOwnerByRefreshHash', () => {
  it('names the session and user of any token of its chain, revoked or not, and null for an unknown hash', async () => {
    const { session, hash } = await login(ada);
    const current = tokenHash();
    expect((await rotate(hash, at(1), current)).kind).toBe('rotated');
    const bobs = await login(bob);
    const owner = { sessionId: session.id, userId: ada.id };
    expect(await repos.sessions.findOwnerByRefreshHash(hash)).toEqual(owner);
    expect(await repos.sessions.findOwnerByRefreshHash(current)).toEqual(owner);
    expect(await repos.sessions.findOwnerByRefreshHash(bobs.hash)).toEqual({
      sessionId: bobs.session.id,
      userId: bob.id,
    });
    await repos.sessions.revokeAllForUser({ userId: ada.id, reason: 'logout-all', now: at(2) });
    expect(await repos.sessions.findOwnerByRefreshHash(current)).toEqual(owner);
    expect(await repos.sessions.findOwnerByRefreshHash(tokenHash())).toBeNull();
  });
});

describe('sessions.revokeAllForUser', () => {
  it('revokes every live session of the user except the one kept, and returns their ids', async () => {
    const keep = await login(ada);
    const a = await login(ada);
    const b = await login(ada);
    const bobs = await login(bob);

    const ids = await repos.sessions.revokeAllForUser({
      userId: ada.id,
      reason: 'password-changed',
      now: at(5),
      exceptSessionId: keep.session.id,
    });

    expect(ids.sort()).toEqual([a.session.id, b.session.id].sort());
    expect((await sessionRow(keep.session.id)).revokedAt).toBeNull();
    expect((await sessionRow(bobs.session.id)).revokedAt).toBeNull();
    expect(await sessionRow(a.session.id)).toMatchObject({
      revokedAt: at(5),
      revokedReason: 'password-changed',
    });
    expect(
      await repos.sessions.revokeAllForUser({ userId: ada.id, reason: 'logout-all', now: at(6) }),
    ).toEqual([keep.session.id]);
    const live = await db.database.orm
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, ada.id), isNull(sessions.revokedAt)));
    expect(live[0]!.n).toBe(0);
  });
});

describe('sessions.readRevocations', () => {
  it('from an instant: lists sessions revoked at or after it, oldest revocation first', async () => {
    const early = await login(ada);
    const late = await login(ada);
    const later = await login(bob);
    await login(bob);
    await repos.sessions.revoke({
      sessionId: early.session.id,
      userId: ada.id,
      reason: 'logout',
      now: at(10),
    });
    await repos.sessions.revoke({
      sessionId: later.session.id,
      userId: bob.id,
      reason: 'logout',
      now: at(30),
    });
    await repos.sessions.revoke({
      sessionId: late.session.id,
      userId: ada.id,
      reason: 'logout',
      now: at(20),
    });

    expect((await repos.sessions.readRevocations({ revokedSince: at(20) })).revoked).toEqual([
      { sessionId: late.session.id, revokedAt: at(20) },
      { sessionId: later.session.id, revokedAt: at(30) },
    ]);
    expect((await repos.sessions.readRevocations({ revokedSince: at(31) })).revoked).toEqual([]);
  });

  it('from a cursor: returns what every revoking write committed since, whatever time it was stamped with', async () => {
    const { cursor } = await repos.sessions.readRevocations({ revokedSince: T0 });
    const byId = await login(ada);
    const byHash = await login(ada);
    const others = [await login(bob), await login(bob)];
    const disabled = await repos.users.insert({ username: 'carol', passwordHash: 'h' });
    const ofDisabled = await login(disabled!);
    const reused = await login(ada);
    const byHand = await login(ada);
    const first = await rotate(reused.hash, at(1));
    expect(first.kind).toBe('rotated');

    // Stamped an hour before the cursor was taken: a writer whose clock is behind.
    await repos.sessions.revoke({
      sessionId: byId.session.id,
      userId: ada.id,
      reason: 'logout',
      now: at(-3600),
    });
    await repos.sessions.revokeByRefreshHash(byHash.hash, 'logout', at(2));
    await repos.sessions.revokeAllForUser({ userId: bob.id, reason: 'logout-all', now: at(3) });
    await repos.users.disable(disabled!.id, { now: at(4), reason: 'user-disabled' });
    expect((await rotate(reused.hash, at(1 + GRACE + 1))).kind).toBe('reuse');
    await db.database.orm
      .update(sessions)
      .set({ revokedAt: at(6), revokedReason: 'revoked-by-admin' })
      .where(eq(sessions.id, byHand.session.id));

    const next = await repos.sessions.readRevocations({ cursor });
    expect(next.revoked).toEqual(
      expect.arrayContaining([
        { sessionId: byId.session.id, revokedAt: at(-3600) },
        { sessionId: byHash.session.id, revokedAt: at(2) },
        ...others.map(({ session }) => ({ sessionId: session.id, revokedAt: at(3) })),
        { sessionId: ofDisabled.session.id, revokedAt: at(4) },
        { sessionId: reused.session.id, revokedAt: at(1 + GRACE + 1) },
        { sessionId: byHand.session.id, revokedAt: at(6) },
      ]),
    );
    // A cursor never goes backwards.
    expect(BigInt(next.cursor)).toBeGreaterThanOrEqual(BigInt(cursor));
    const live = await login(ada);
    expect((await repos.sessions.readRevocations({ cursor: next.cursor })).revoked).not.toContainEqual(
      expect.objectContaining({ sessionId: live.session.id }),
    );
  });

  it('records the revoking transaction in revoked_xid, which cannot be set by hand', async () => {
    const live = await login(ada);
    const revoked = await login(ada);
    await repos.sessions.revoke({
      sessionId: revoked.session.id,
      userId: ada.id,
      reason: 'logout',
      now: at(1),
    });
    const stamped = (await sessionRow(revoked.session.id)).revokedXid;
    expect(stamped).toMatch(/^\d+$/);
    expect((await sessionRow(live.session.id)).revokedXid).toBeNull();

    await db.database.orm.update(sessions).set({ revokedXid: '1' });
    expect((await sessionRow(live.session.id)).revokedXid).toBeNull();
    expect((await sessionRow(revoked.session.id)).revokedXid).toBe(stamped);
    // Re-stamping the revocation is a new revocation for the readers.
    await db.database.orm
      .update(sessions)
      .set({ revokedAt: at(2) })
      .where(eq(sessions.id, revoked.session.id));
    expect(BigInt((await sessionRow(revoked.session.id)).revokedXid!)).toBeGreaterThan(BigInt(stamped!));
  });

  it('refuses a cursor it did not make, before any query', async () => {
    await expect(repos.sessions.readRevocations({ cursor: "1'; drop table sessions; --" })).rejects.toThrow(
      TypeError,
    );
  });
});

if (testDatabaseKind === 'postgres') {
  describe('sessions.readRevocations on PostgreSQL, with transactions interleaved by hand', () => {
    it('still returns a revocation whose transaction began first and committed after a later one was read', async () => {
      const early = await login(ada);
      const late = await login(bob);
      const { cursor } = await repos.sessions.readRevocations({ revokedSince: T0 });
      const first = postgres(db.url!, { max: 1, onnotice: () => undefined });
      const second = postgres(db.url!, { max: 1, onnotice: () => undefined });
      try {
        const revoke = (sql: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql, id: string) =>
          sql`update sessions set revoked_at = now(), revoked_reason = 'logout' where id = ${id}`;
        // Transaction A takes its id first (its first write) and stays open.
        const a = await first.reserve();
        await a`begin`;
        await revoke(a, early.session.id);
        // Transaction B takes a later id and commits.
        await second.begin((tx) => revoke(tx, late.session.id));

        const seen = await repos.sessions.readRevocations({ cursor });
        expect(seen.revoked.map((row) => row.sessionId)).toContain(late.session.id);
        expect(seen.revoked.map((row) => row.sessionId)).not.toContain(early.session.id);

        await a`commit`;
        a.release();
        const after = await repos.sessions.readRevocations({ cursor: seen.cursor });
        expect(after.revoked.map((row) => row.sessionId)).toContain(early.session.id);
      } finally {
        await Promise.all([first.end({ timeout: 5 }), second.end({ timeout: 5 })]);
      }
    });
  });
}
