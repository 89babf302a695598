// Two API instances on one database: a revocation on one is refused on the other within a second, with no
// database read on the request path (the other instance learns it through NOTIFY). On PostgreSQL the two
// instances have separate connection pools on the same database; on PGlite they share the one Database.
import { generateJwtSecret } from '@latchkey/auth';
import { createDb, type Database } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

async function reasonOnSecond(accessToken: string): Promise<string | null> {
  try {
    await second.client(accessToken).auth.me.query();
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { reason?: string }).reason ?? 'other';
    throw error;
  }
}

/** Polls the second instance until it refuses the token, for at most `withinMs`. */
async function refusedOnSecondWithin(accessToken: string, withinMs: number): Promise<string | null> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const reason = await reasonOnSecond(accessToken);
    if (reason !== null || Date.now() > deadline) return reason;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
