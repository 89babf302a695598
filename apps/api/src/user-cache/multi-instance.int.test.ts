// Two API instances on one database, as src/revocation/multi-instance.int.test.ts runs them: a rename, a role
// change or a disable written through one instance (or straight to the table) is seen by the other within 1 s,
// through the trigger's NOTIFY, with no database read per call on the other side once it is warm. On
// PostgreSQL: a change whose NOTIFY was lost while the listener was down is not served after the reconnect.
import { generateJwtSecret } from '@latchkey/auth';
import { createDb, type Database } from '@latchkey/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@latchkey/db/testing';
import { TRPCClientError } from '@trpc/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementLog } from '../testing/statement-log.js';
import { GOOD_PASSWORD, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

let testDatabase: TestDatabase;
let secondConnection: Database | null = null;
const secondLog = new StatementLog();
let first: TestApi;
let second: TestApi;
const env = { JWT_SECRET: generateJwtSecret() };

beforeAll(async () => {
  testDatabase = await createTestDatabase({ onQuery: secondLog.record });
  first = await startTestApi({ database: testDatabase.database, env });
  if (testDatabase.url !== null)
    secondConnection = await createDb({ url: testDatabase.url, onQuery: secondLog.record });
  second = await startTestApi({ database: secondConnection ?? testDatabase.database, env });
});

afterAll(async () => {
  await second.close();
  await first.close();
  await secondConnection?.close();
  await testDatabase.dispose();
});

async function signupOnFirst(): Promise<{ userId: string; username: string; accessToken: string }> {
  const session = await first
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  return { userId: session.user.id, username: session.user.username, accessToken: session.accessToken };
}

/** The tRPC code a call fails with, or null when it succeeds. */
async function failureOf(call: () => Promise<unknown>): Promise<string | null> {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { code?: string }).code ?? 'other';
    throw error;
  }
}

/** Asks until `seen` holds, for at most `withinMs`: a bound on correctness, not a speed measurement. */
async function seenWithin<T>(
  ask: () => Promise<T>,
  seen: (answer: T) => boolean,
  withinMs: number,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await ask();
    if (seen(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('a rename written straight to the table is served by the other instance within 1 s', async () => {
  const { userId, username, accessToken } = await signupOnFirst();
  const onSecond = second.client(accessToken);
  expect((await onSecond.auth.me.query()).username).toBe(username);
  await testDatabase.database.orm.execute(
    `update users set username = '${username}_renamed' where id = '${userId}'`,
  );
  const me = await seenWithin(
    () => onSecond.auth.me.query(),
    (user) => user.username !== username,
    1000,
  );
  expect(me.username).toBe(`${username}_renamed`);
});

/** The second instance's answer to `admin.users` (null: allowed), asked until it is `expected`, at most 1 s. */
function adminCheckOnSecond(accessToken: string, expected: 'allowed' | 'FORBIDDEN'): Promise<string | null> {
  const onSecond = second.client(accessToken);
  return seenWithin(
    () => failureOf(() => onSecond.admin.users.query()),
    (code) => (expected === 'allowed' ? code === null : code !== null),
    1000,
  );
}

it('a role change through the first instance reaches the other instance’s admin check within 1 s', async () => {
  const admin = await signupOnFirst();
  await first.repositories.users.setRole(admin.userId, 'admin');
  expect(await adminCheckOnSecond(admin.accessToken, 'allowed')).toBeNull();
  // The admin demotes themselves through the first instance: the second refuses the next calls.
  await first.client(admin.accessToken).admin.setRole.mutate({ userId: admin.userId, role: 'user' });
  expect(await adminCheckOnSecond(admin.accessToken, 'FORBIDDEN')).toBe('FORBIDDEN');
});

it('a disable written without revoking the sessions still refuses the admin check on the other instance', async () => {
  const admin = await signupOnFirst();
  await first.repositories.users.setRole(admin.userId, 'admin');
  expect(await adminCheckOnSecond(admin.accessToken, 'allowed')).toBeNull();
  // Straight to the table: the sessions stay live, so only the cached disabled state can refuse the call.
  await testDatabase.database.orm.execute(
    `update users set disabled_at = now() where id = '${admin.userId}'`,
  );
  expect(await adminCheckOnSecond(admin.accessToken, 'FORBIDDEN')).toBe('FORBIDDEN');
});

it('a warm auth.me on the other instance sends no statement', async () => {
  const { accessToken } = await signupOnFirst();
  const onSecond = second.client(accessToken);
  await onSecond.auth.me.query();
  const statements = await secondLog.during(async () => {
    for (let call = 0; call < 5; call += 1) await onSecond.auth.me.query();
  });
  // On PGlite both instances share the log; the first is idle meanwhile.
  expect(statements).toEqual([]);
});

if (testDatabaseKind === 'postgres') {
  describe('a change whose notification is lost, on PostgreSQL', () => {
    it('is not served after the LISTEN connection comes back: the cache is dropped and read again', async () => {
      // The user first: the instance's change cursor then starts past the signup, so its re-read cannot find
      // this user, and only dropping the whole cache on reconnect keeps the lost change from being served.
      const { userId, username, accessToken } = await signupOnFirst();
      const quiet = await startTestApi({
        database: secondConnection!,
        env: { ...env, REVOCATION_POLL_INTERVAL_MS: '3600000' },
      });
      const writer = postgres(testDatabase.url!, { max: 1, onnotice: () => undefined });
      try {
        const client = quiet.client(accessToken);
        expect((await client.auth.me.query()).username).toBe(username);
        // As replication would apply it: no trigger fires, so neither NOTIFY nor changed_xid records it.
        await writer.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`update users set username = ${`${username}_lost`} where id = ${userId}`;
        });
        // Nothing told the instance, and no poll is due: it still serves what it holds (the gap this closes).
        expect((await client.auth.me.query()).username).toBe(username);

        const cut = await writer`select pg_terminate_backend(pid) as done from pg_stat_activity
                                 where datname = current_database() and pid <> pg_backend_pid()
                                 and query ilike 'listen %'`;
        expect(cut.length).toBeGreaterThan(0);
        const me = await seenWithin(
          () => client.auth.me.query(),
          (user) => user.username !== username,
          5000,
        );
        expect(me.username).toBe(`${username}_lost`);
      } finally {
        await writer.end({ timeout: 5 });
        await quiet.close();
      }
    });
  });
}
