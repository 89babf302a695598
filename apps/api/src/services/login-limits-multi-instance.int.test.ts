// Two API instances on one database, as a deployment runs them: every login and signup counter is shared, so
// spreading attempts over instances buys nothing, and a device token one instance issued is honoured by the
// other. On PostgreSQL the two instances have separate connection pools on the same database; on PGlite they
// share the one Database.
import { generateJwtSecret } from '@latchkey/auth';
import { createDb, type Database } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GOOD_PASSWORD, post, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

let testDatabase: TestDatabase;
let secondConnection: Database | null = null;
let first: TestApi;
let second: TestApi;
// Both instances hold the same secret (and so derive the same device-token key), as a deployment's instances do.
const env = {
  JWT_SECRET: generateJwtSecret(),
  TRUST_PROXY: '1',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '4/10m',
  RATE_LIMIT_LOGIN_PER_DEVICE: '4/10m',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '4/10m',
  RATE_LIMIT_SIGNUP_PER_ADDRESS: '4/10m',
};

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

const guess = (username: string): { username: string; password: string } => ({
  username,
  password: 'wrong password guess',
});

it("failures counted on one instance spend the account's lock-out on the other", async () => {
  const username = uniqueUsername();
  await first.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
  const statuses: number[] = [];
  for (const [index, api] of [first, second, first, second].entries()) {
    const response = await post(api, 'auth.login', guess(username), {
      'x-forwarded-for': `198.51.100.${index + 1}`,
    });
    statuses.push(response.status);
  }
  expect(statuses).toEqual([401, 401, 401, 401]);
  for (const api of [first, second]) {
    const refused = await post(
      api,
      'auth.login',
      { username, password: GOOD_PASSWORD },
      { 'x-forwarded-for': '198.51.100.99' },
    );
    expect(refused.status).toBe(429);
  }
});

it('per-address counters are shared too, for logins and signups', async () => {
  const address = { 'x-forwarded-for': '2001:db8:77:1::1' };
  const sameNetwork = { 'x-forwarded-for': '2001:db8:77:1::2' };
  for (const api of [first, second, first, second]) {
    expect((await post(api, 'auth.login', guess(uniqueUsername()), address)).status).toBe(401);
  }
  expect((await post(second, 'auth.login', guess(uniqueUsername()), sameNetwork)).status).toBe(429);
  expect((await post(first, 'auth.login', guess(uniqueUsername()), sameNetwork)).status).toBe(429);

  const signup = (api: TestApi): Promise<Response> =>
    post(api, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD }, address);
  for (const api of [first, second, first, second]) expect((await signup(api)).status).toBe(200);
  expect((await signup(second)).status).toBe(429);
  expect((await signup(first)).status).toBe(429);
});

it("a device token from one instance lets its owner in on the other while the account's lock-out is spent", async () => {
  const username = uniqueUsername();
  await first.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
  const loggedIn = await first
    .client()
    .auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  for (const [index, api] of [first, second, first, second, first].entries()) {
    await post(api, 'auth.login', guess(username), { 'x-forwarded-for': `192.0.2.${index + 1}` });
  }
  expect((await post(second, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(429);
  const owner = await post(second, 'auth.login', {
    username,
    password: GOOD_PASSWORD,
    deviceToken: loggedIn.deviceToken,
  });
  expect(owner.status).toBe(200);
});
