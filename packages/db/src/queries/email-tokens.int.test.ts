// Emailed-link tokens and what using them does (users.verifyEmail, users.resetPassword), on the database the
// environment selects: only the newest link works, each works once (also when two uses race), none past its
// expiry, and a reset link only reaches an account with a verified address.
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { emailTokens } from '../schema/email-tokens.js';
import { users } from '../schema/users.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { at, databaseErrorOf, T0, tokenHash } from '../testing/fixtures.js';

let db: TestDatabase;
let repos: Repositories;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
});
afterEach(() => db.dispose());

const TTL = 1800;

async function userWith(options: { username: string; email?: string }) {
  const user = await repos.users.insert({ username: options.username, passwordHash: '$argon2id$old' });
  if (options.email === undefined) return user!;
  const hash = tokenHash();
  await repos.emailTokens.issueVerification({
    userId: user!.id,
    email: options.email,
    tokenHash: hash,
    now: T0,
    ttlSeconds: TTL,
  });
  const verified = await repos.users.verifyEmail({ tokenHash: hash, now: T0 });
  if (verified.status !== 'verified') throw new Error('fixture: verification failed');
  return verified.user;
}

async function tokenRows(): Promise<number> {
  const [row] = await db.database.orm.select({ n: count() }).from(emailTokens);
  return row!.n;
}

async function session(userId: string) {
  return repos.sessions.create({
    userId,
    refreshTokenHash: tokenHash(),
    userAgent: 'vitest',
    ip: '192.0.2.1',
    now: T0,
    idleTtlSeconds: 3600,
    absoluteTtlSeconds: 86_400,
    authTime: T0,
  });
}

function reset(hash: string, now = at(60)) {
  return repos.users.resetPassword({
    tokenHash: hash,
    newHash: '$argon2id$new',
    now,
    reason: 'password-reset',
  });
}

describe('email verification', () => {
  it('stores the address only when the link is used, and the link works once', async () => {
    const user = await userWith({ username: 'ada' });
    const hash = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: user.id,
      email: 'ada@example.com',
      tokenHash: hash,
      now: T0,
      ttlSeconds: TTL,
    });
    expect((await repos.users.findById(user.id))?.email).toBeNull();
    expect((await repos.emailTokens.pendingVerification(user.id, at(1)))?.email).toBe('ada@example.com');
    const verified = await repos.users.verifyEmail({ tokenHash: hash, now: at(5) });
    expect(verified).toMatchObject({
      status: 'verified',
      previousEmail: null,
      user: { email: 'ada@example.com', emailVerifiedAt: at(5) },
    });
    expect(await repos.users.verifyEmail({ tokenHash: hash, now: at(6) })).toEqual({ status: 'invalid' });
    expect(await tokenRows()).toBe(0);
  });

  it('only the newest link of a user works, and none after its expiry', async () => {
    const user = await userWith({ username: 'ada' });
    const first = tokenHash();
    const second = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: user.id,
      email: 'one@example.com',
      tokenHash: first,
      now: T0,
      ttlSeconds: TTL,
    });
    await repos.emailTokens.issueVerification({
      userId: user.id,
      email: 'two@example.com',
      tokenHash: second,
      now: at(1),
      ttlSeconds: TTL,
    });
    expect(await tokenRows()).toBe(1);
    expect(await repos.users.verifyEmail({ tokenHash: first, now: at(2) })).toEqual({ status: 'invalid' });
    expect(await repos.users.verifyEmail({ tokenHash: second, now: at(1 + TTL) })).toEqual({
      status: 'invalid',
    });
    expect((await repos.users.findById(user.id))?.email).toBeNull();
  });

  it('refuses an address another account proved first, and reports the old address on a change', async () => {
    await userWith({ username: 'ada', email: 'shared@example.com' });
    const bob = await userWith({ username: 'bob', email: 'bob@example.com' });
    const claim = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: bob.id,
      email: 'shared@example.com',
      tokenHash: claim,
      now: T0,
      ttlSeconds: TTL,
    });
    expect(await repos.users.verifyEmail({ tokenHash: claim, now: at(1) })).toEqual({ status: 'taken' });
    const change = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: bob.id,
      email: 'robert@example.com',
      tokenHash: change,
      now: T0,
      ttlSeconds: TTL,
    });
    expect(await repos.users.verifyEmail({ tokenHash: change, now: at(2) })).toMatchObject({
      status: 'verified',
      previousEmail: 'bob@example.com',
      user: { email: 'robert@example.com' },
    });
  });

  it('the database refuses a second account with one address, and an address without its verification time', async () => {
    const ada = await userWith({ username: 'ada', email: 'ada@example.com' });
    const bob = await userWith({ username: 'bob' });
    expect(
      await databaseErrorOf(
        db.database.orm
          .update(users)
          .set({ email: 'ada@example.com', emailVerifiedAt: T0 })
          .where(eq(users.id, bob.id)),
      ),
    ).toContain('users_email_key');
    expect(
      await databaseErrorOf(
        db.database.orm.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, ada.id)),
      ),
    ).toContain('users_email_verified_with_email');
  });
});

describe('password reset tokens', () => {
  it('issues a reset only to an enabled account with a verified address, by username (any case) or address', async () => {
    const ada = await userWith({ username: 'Ada', email: 'ada@example.com' });
    await userWith({ username: 'noemail' });
    const issue = (target: { username: string } | { email: string }) =>
      repos.emailTokens.issuePasswordReset({ target, tokenHash: tokenHash(), now: T0, ttlSeconds: TTL });
    expect(await issue({ username: 'ADA' })).toEqual({ userId: ada.id, email: 'ada@example.com' });
    expect(await issue({ email: 'ada@example.com' })).toEqual({ userId: ada.id, email: 'ada@example.com' });
    expect(await issue({ username: 'noemail' })).toBeNull();
    expect(await issue({ username: 'nobody' })).toBeNull();
    expect(await issue({ email: 'nobody@example.com' })).toBeNull();
    // Replaced, not added: one row for Ada.
    expect(await tokenRows()).toBe(1);
    await repos.users.disable(ada.id, { now: T0, reason: 'user-disabled' });
    expect(await issue({ username: 'ada' })).toBeNull();
  });

  it('a reset sets the hash and revokes every live session at once, and the token works once', async () => {
    const ada = await userWith({ username: 'ada', email: 'ada@example.com' });
    const sessions = [await session(ada.id), await session(ada.id)];
    const hash = tokenHash();
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: hash,
      now: T0,
      ttlSeconds: TTL,
    });
    expect(
      await repos.emailTokens.findLive({ tokenHash: hash, purpose: 'reset-password', now: at(1) }),
    ).not.toBeNull();
    expect(
      await repos.emailTokens.findLive({ tokenHash: hash, purpose: 'verify-email', now: at(1) }),
    ).toBeNull();
    const done = await reset(hash);
    expect(done?.user).toMatchObject({ passwordHash: '$argon2id$new', passwordChangedAt: at(60) });
    expect(new Set(done?.revokedSessionIds)).toEqual(new Set(sessions.map((row) => row.id)));
    expect(await repos.sessions.listActiveForUser(ada.id, at(61))).toEqual([]);
    expect(await reset(hash, at(61))).toBeNull();
  });

  it('an older, an expired or a verification token resets nothing', async () => {
    const ada = await userWith({ username: 'ada', email: 'ada@example.com' });
    const older = tokenHash();
    const newer = tokenHash();
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: older,
      now: T0,
      ttlSeconds: TTL,
    });
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: newer,
      now: at(1),
      ttlSeconds: TTL,
    });
    expect(await reset(older)).toBeNull();
    expect(await reset(newer, at(1 + TTL))).toBeNull();
    const verification = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: ada.id,
      email: 'x@example.com',
      tokenHash: verification,
      now: T0,
      ttlSeconds: TTL,
    });
    expect(await reset(verification)).toBeNull();
    expect((await repos.users.findById(ada.id))?.passwordHash).toBe('$argon2id$old');
  });

  it('a link sent to an address the account has since replaced resets nothing', async () => {
    const ada = await userWith({ username: 'ada', email: 'ada@example.com' });
    const hash = tokenHash();
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: hash,
      now: T0,
      ttlSeconds: TTL,
    });
    const change = tokenHash();
    await repos.emailTokens.issueVerification({
      userId: ada.id,
      email: 'new@example.com',
      tokenHash: change,
      now: T0,
      ttlSeconds: TTL,
    });
    await repos.users.verifyEmail({ tokenHash: change, now: at(1) });
    expect(await reset(hash)).toBeNull();
    expect((await repos.users.findById(ada.id))?.passwordHash).toBe('$argon2id$old');
  });

  it('of ten resets racing with one token, exactly one wins', async () => {
    const ada = await userWith({ username: 'ada', email: 'ada@example.com' });
    const hash = tokenHash();
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: hash,
      now: T0,
      ttlSeconds: TTL,
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        repos.users.resetPassword({
          tokenHash: hash,
          newHash: `$argon2id$race${index}`,
          now: at(60),
          reason: 'password-reset',
        }),
      ),
    );
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect((await repos.users.findById(ada.id))?.passwordHash).toBe(winners[0]?.user.passwordHash);
  });

  it('a withdrawn token is gone', async () => {
    await userWith({ username: 'ada', email: 'ada@example.com' });
    const hash = tokenHash();
    await repos.emailTokens.issuePasswordReset({
      target: { username: 'ada' },
      tokenHash: hash,
      now: T0,
      ttlSeconds: TTL,
    });
    await repos.emailTokens.withdraw(hash);
    expect(await tokenRows()).toBe(0);
    expect(await reset(hash)).toBeNull();
  });
});
