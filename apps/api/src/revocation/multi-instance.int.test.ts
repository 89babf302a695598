// Two API instances on one database: a revocation on one is refused on the other within a second, with no
// database read on the request path (the other instance learns it through NOTIFY). On PostgreSQL the two
// instances have separate connection pools on the same database; on PGlite they share the one Database.
// When the notification never arrives (written without one, or sent while the listener was reconnecting),
// the other instance still refuses the session after its next poll, or at once when its listener reconnects.
import { generateJwtSecret } from '@latchkey/auth';
import { createDb, type Database } from '@latchkey/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@latchkey/db/testing';
import { TRPCClientError } from '@trpc/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

let testDatabase: TestDatabase;
let secondConnection: Database | null = null;
let first: TestApi;
let second: TestApi;
// Both instances sign and verify with the same secret, as a deployment's instances do.
const env = { JWT_SECRET: generateJwtSecret() };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  first = await startTestApi({ database: testDatabase.database, env });
  if (testDatabase.url !== null) secondConnection = await createDb({ url: testDatabase.url });
  second = await startTestApi({ database: secondConnection ?? testDatabase.database, env });
});

afterAll(async () => {
  await second.close();
  await first.close();
  await secondConnection?.close();
  await testDatabase.dispose();
});

async function reasonOn(api: TestApi, accessToken: string): Promise<string | null> {
  try {
    await api.client(accessToken).auth.me.query();
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { reason?: string }).reason ?? 'other';
    throw error;
  }
}

async function errorReason(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { reason?: string }).reason ?? 'other';
    throw error;
  }
}

const reasonOnSecond = (accessToken: string): Promise<string | null> => reasonOn(second, accessToken);

/** Asks `api` until it refuses the token, for at most `withinMs` (a bound on the wait, not a measurement). */
async function refusedWithin(api: TestApi, accessToken: string, withinMs: number): Promise<string | null> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const reason = await reasonOn(api, accessToken);
    if (reason !== null || Date.now() > deadline) return reason;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const refusedOnSecondWithin = (accessToken: string, withinMs: number): Promise<string | null> =>
  refusedWithin(second, accessToken, withinMs);

/** The session id (`sid`) of an access token. */
function sessionIdOf(accessToken: string): string {
  const [, payload = ''] = accessToken.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid: string }).sid;
}

/** Another instance on the second connection, polling every `pollIntervalMs`. */
function startPoller(pollIntervalMs: number): Promise<TestApi> {
  return startTestApi({
    database: secondConnection ?? testDatabase.database,
    env: { ...env, REVOCATION_POLL_INTERVAL_MS: String(pollIntervalMs) },
  });
}

async function signupOnFirst() {
  const session = await first
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  return { session, accessToken: session.accessToken, refreshToken: session.refreshToken! };
}

it('a logout on one instance is refused on the other within 1 s', async () => {
  const { accessToken } = await signupOnFirst();
  expect(await reasonOnSecond(accessToken)).toBeNull();
  await first.client(accessToken).auth.logout.mutate();
  expect(await refusedOnSecondWithin(accessToken, 1000)).toBe('REVOKED');
});

it('logoutAll, revokeSession and disableUser reach the other instance too', async () => {
  const a = await signupOnFirst();
  const b = await first
    .client()
    .auth.login.mutate({ username: a.session.user.username, password: GOOD_PASSWORD });
  const sessions = await first.client(a.accessToken).auth.sessions.query();
  await first
    .client(a.accessToken)
    .auth.revokeSession.mutate({ sessionId: sessions.find((entry) => !entry.current)!.id });
  expect(await refusedOnSecondWithin(b.accessToken, 1000)).toBe('REVOKED');
  await first.client(a.accessToken).auth.logoutAll.mutate();
  expect(await refusedOnSecondWithin(a.accessToken, 1000)).toBe('REVOKED');

  const admin = await signupOnFirst();
  await first.repositories.users.setRole(admin.session.user.id, 'admin');
  const target = await signupOnFirst();
  await first.client(admin.accessToken).admin.disableUser.mutate({ userId: target.session.user.id });
  expect(await refusedOnSecondWithin(target.accessToken, 1000)).toBe('REVOKED');
});

it("deleteAccount and an admin's revokeSession reach the other instance too", async () => {
  const admin = await signupOnFirst();
  await first.repositories.users.setRole(admin.session.user.id, 'admin');
  const target = await signupOnFirst();
  await first.client(admin.accessToken).admin.revokeSession.mutate({
    userId: target.session.user.id,
    sessionId: sessionIdOf(target.accessToken),
  });
  expect(await refusedOnSecondWithin(target.accessToken, 1000)).toBe('REVOKED');

  const leaving = await signupOnFirst();
  const elsewhere = await second
    .client()
    .auth.login.mutate({ username: leaving.session.user.username, password: GOOD_PASSWORD });
  await first.client(leaving.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD });
  // auth.token reads no row: only the notified revocation set can refuse it.
  for (const accessToken of [elsewhere.accessToken, leaving.accessToken])
    await expect
      .poll(() => errorReason(second.client(accessToken).auth.token.query()), { timeout: 1000 })
      .toBe('REVOKED');
});

it('refresh-token reuse detected on one instance revokes the access tokens on the other', async () => {
  const { accessToken, refreshToken } = await signupOnFirst();
  const rotated = await first.client().auth.refresh.mutate({ refreshToken });
  first.clock.advance(60);
  try {
    await expect(first.client().auth.refresh.mutate({ refreshToken })).rejects.toThrow();
  } finally {
    first.clock.advance(-60);
  }
  expect(await refusedOnSecondWithin(rotated.accessToken, 1000)).toBe('REVOKED');
  expect(await refusedOnSecondWithin(accessToken, 1000)).toBe('REVOKED');
});

it('an instance started after a revocation loads it from the database', async () => {
  const { accessToken } = await signupOnFirst();
  await first.client(accessToken).auth.logout.mutate();
  const late = await startTestApi({ database: secondConnection ?? testDatabase.database, env });
  try {
    await expect(late.client(accessToken).auth.me.query()).rejects.toMatchObject({
      data: { reason: 'REVOKED' },
    });
  } finally {
    await late.close();
  }
});

describe('revocations whose notification never arrives', () => {
  // 20 minutes is past the retention (access TTL + skew): kept from when it was learned, not from its stamp.
  it.each([2, 20])(
    'are refused after the next poll, even when stamped by a clock %i minutes behind',
    async (minutesBehind) => {
      const poller = await startPoller(20);
      try {
        const { session, accessToken } = await signupOnFirst();
        expect(await reasonOn(poller, accessToken)).toBeNull();
        // Straight to the table, as an instance whose NOTIFY was lost leaves it, with its clock behind.
        const behind = new Date(first.clock.now().getTime() - minutesBehind * 60_000);
        expect(
          await first.repositories.sessions.revoke({
            sessionId: sessionIdOf(accessToken),
            userId: session.user.id,
            reason: 'logout',
            now: behind,
          }),
        ).toBe(true);
        expect(await refusedWithin(poller, accessToken, 5000)).toBe('REVOKED');
      } finally {
        await poller.close();
      }
    },
  );

  it("a deleted account's sessions are refused after the next poll: their rows outlive the account", async () => {
    const poller = await startPoller(20);
    try {
      const { session, accessToken } = await signupOnFirst();
      expect(await reasonOn(poller, accessToken)).toBeNull();
      const user = await first.repositories.users.findById(session.user.id);
      // Straight to the repository, as a deletion whose NOTIFY was lost leaves the tables.
      const deleted = await first.repositories.users.deleteAccount({
        userId: session.user.id,
        verifiedPasswordHash: user!.passwordHash,
        now: first.clock.now(),
      });
      expect(deleted?.revokedSessionIds).toEqual([sessionIdOf(accessToken)]);
      // auth.token reads no row (auth.me would refuse a deleted user by its own look-up): only the revocation
      // set the poll filled can refuse it.
      await expect
        .poll(() => errorReason(poller.client(accessToken).auth.token.query()), { timeout: 5000 })
        .toBe('REVOKED');
    } finally {
      await poller.close();
    }
  });
});

if (testDatabaseKind === 'postgres') {
  describe('revocations whose notification never arrives, on PostgreSQL', () => {
    it('a revocation whose transaction commits after a later one was polled is still refused', async () => {
      const poller = await startPoller(20);
      const early = await signupOnFirst();
      const late = await signupOnFirst();
      const writer = postgres(testDatabase.url!, { max: 2, onnotice: () => undefined });
      const slow = await writer.reserve();
      try {
        // Transaction A stamps its revocation first (a minute ago: it then waited that long on a lock) and
        // stays open; transaction B revokes another session and commits; the poller reads B.
        await slow`begin`;
        await slow`update sessions set revoked_at = now() - interval '1 minute', revoked_reason = 'logout'
                   where id = ${sessionIdOf(early.accessToken)}`;
        await writer.begin(
          (tx) => tx`update sessions set revoked_at = now(), revoked_reason = 'logout'
                     where id = ${sessionIdOf(late.accessToken)}`,
        );
        expect(await refusedWithin(poller, late.accessToken, 5000)).toBe('REVOKED');
        expect(await reasonOn(poller, early.accessToken)).toBeNull();

        await slow`commit`;
        expect(await refusedWithin(poller, early.accessToken, 5000)).toBe('REVOKED');
      } finally {
        slow.release();
        await writer.end({ timeout: 5 });
        await poller.close();
      }
    });

    it('a LISTEN reconnect re-reads at once, with no poll due for an hour', async () => {
      const poller = await startPoller(3_600_000);
      const admin = postgres(testDatabase.url!, { max: 1, onnotice: () => undefined });
      try {
        const { session, accessToken } = await signupOnFirst();
        await first.repositories.sessions.revoke({
          sessionId: sessionIdOf(accessToken),
          userId: session.user.id,
          reason: 'logout',
          now: first.clock.now(),
        });
        // No NOTIFY was sent and no poll is due: the poller does not know yet.
        expect(await reasonOn(poller, accessToken)).toBeNull();

        // Cut every listening connection on this database, as a network blip or a server restart would.
        const cut = await admin`select pg_terminate_backend(pid) as done from pg_stat_activity
                                where datname = current_database() and pid <> pg_backend_pid()
                                and query ilike 'listen %'`;
        expect(cut.length).toBeGreaterThan(0);
        expect(await refusedWithin(poller, accessToken, 5000)).toBe('REVOKED');
      } finally {
        await admin.end({ timeout: 5 });
        await poller.close();
      }
    });
  });
}
