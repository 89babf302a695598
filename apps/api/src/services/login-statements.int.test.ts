// The database work of one login, counted where the ORM sends it (testing/statement-log.ts): both limiter
// counters in one statement, the user read once, and the session, its refresh token and its audit row in one
// transaction. A refused login writes its failure and nothing else.
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StatementLog } from '../testing/statement-log.js';
import { GOOD_PASSWORD, post, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

const log = new StatementLog();
let testDatabase: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  testDatabase = await createTestDatabase({ onQuery: log.record });
  api = await startTestApi({ database: testDatabase.database });
});

afterAll(async () => {
  await api.close();
  await testDatabase.dispose();
});

/** What each statement is, in a word, so the expected lists read as the flow. */
function kind(statement: string): string {
  const text = statement.toLowerCase().replace(/\s+/g, ' ');
  if (text.includes('insert into "rate_limits"')) return 'count attempt';
  if (text.startsWith('delete from "rate_limits"')) return 'clear counter';
  if (text.includes('from "users"') && text.includes('lower(')) return 'read user';
  if (text.includes('from "users"') && text.includes('for share')) return 'lock user';
  if (text.startsWith('insert into "sessions"')) return 'insert session';
  if (text.startsWith('insert into "refresh_tokens"')) return 'insert refresh token';
  if (text.startsWith('insert into "audit_events"')) return 'insert audit';
  return statement;
}

it('a login sends seven statements: one for both counters, one read of the user, one transaction of writes', async () => {
  const username = uniqueUsername();
  await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  const statements = await log.during(() =>
    api.client().auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' }),
  );
  expect(statements.map(kind)).toEqual([
    'count attempt',
    'read user',
    'clear counter',
    'lock user',
    'insert session',
    'insert refresh token',
    'insert audit',
  ]);
});

it('a wrong password counts the attempt, reads the user and records the failure, and writes nothing else', async () => {
  const username = uniqueUsername();
  await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  const statements = await log.during(() =>
    post(api, 'auth.login', { username, password: 'not the password at all' }),
  );
  expect(statements.map(kind)).toEqual(['count attempt', 'read user', 'insert audit']);
});
