// Login hardening over real HTTP: rate limits shared in PostgreSQL (429 + Retry-After), the same argon2 work
// for unknown users, wrong passwords and disabled accounts, and rehashing on login when the parameters change.
import { request as httpRequest } from 'node:http';
import {
  ARGON2_MEMORY_COST_KIB,
  ARGON2_PARALLELISM,
  ARGON2_TIME_COST,
  createPasswordHasher,
} from '@latchkey/auth';
import { countingArgon2Engine } from '@latchkey/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { arrayContaining } from '../testing/matchers.js';

describe('rate limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '3/10m' } });
  });
  afterAll(() => api.close());

  it('limits login attempts per account with 429, retryAfter and a Retry-After header', async () => {
    const username = uniqueUsername();
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await post(api, 'auth.login', { username, password: 'wrong password guess' })).status).toBe(
        401,
      );
    }
    // Even the right password is refused now: the limit is checked before the password.
    const limited = await post(api, 'auth.login', {
      username: username.toUpperCase(),
      password: GOOD_PASSWORD,
    });
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as WireError;
    expect(body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(body.error.data.retryAfter).toBeGreaterThan(500);
    expect(body.error.data.retryAfter).toBeLessThanOrEqual(600);
    expect(Number(limited.headers.get('retry-after'))).toBe(body.error.data.retryAfter);
    // The counter lives in PostgreSQL, where every instance sees it.
    const rows = await api.database.orm.query.rateLimits.findMany();
    expect(rows.map((row) => row.key)).toEqual(arrayContaining([`login_account:${username.toLowerCase()}`]));
  });

  it('a successful login clears the account counter', async () => {
    const username = uniqueUsername();
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    await post(api, 'auth.login', { username, password: 'wrong password guess' });
    await post(api, 'auth.login', { username, password: 'wrong password guess' });
    expect((await post(api, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(200);
    await post(api, 'auth.login', { username, password: 'wrong password guess' });
    await post(api, 'auth.login', { username, password: 'wrong password guess' });
    expect((await post(api, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(200);
  });

  it('limits login attempts per client address across accounts', async () => {
    const limited = await startTestApi({ env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '3/10m' } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push(
          (
            await post(limited, 'auth.login', {
              username: uniqueUsername('spray'),
              password: 'guess guess guess',
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('limits signups per client address', async () => {
    const limited = await startTestApi({ env: { RATE_LIMIT_SIGNUP_PER_ADDRESS: '2/1h' } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        statuses.push(
          (await post(limited, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD }))
            .status,
        );
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(await limited.repositories.users.list()).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored unless TRUST_PROXY=1, and then its right-most entry is the client', async () => {
    const untrusted = await startTestApi({ env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '2/10m' } });
    try {
      for (const forwarded of ['10.0.0.1', '10.0.0.2']) {
        await post(
          untrusted,
          'auth.login',
          { username: uniqueUsername(), password: 'guess guess guess' },
          { 'x-forwarded-for': forwarded },
        );
      }
      // Rotating the header does not buy a fresh counter: the socket address counts.
      const third = await post(
        untrusted,
        'auth.login',
        { username: uniqueUsername(), password: 'guess guess guess' },
        { 'x-forwarded-for': '10.0.0.3' },
      );
      expect(third.status).toBe(429);
    } finally {
      await untrusted.close();
    }
    const trusted = await startTestApi({ env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '2/10m', TRUST_PROXY: '1' } });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        await post(
          trusted,
          'auth.login',
          { username: uniqueUsername(), password: 'guess guess guess' },
          { 'x-forwarded-for': 'forged, 10.0.0.1' },
        );
      }
      const sameClient = await post(
        trusted,
        'auth.login',
        { username: uniqueUsername(), password: 'guess guess guess' },
        { 'x-forwarded-for': 'other-forgery, 10.0.0.1' },
      );
      expect(sameClient.status).toBe(429);
      const otherClient = await post(
        trusted,
        'auth.login',
        { username: uniqueUsername(), password: 'guess guess guess' },
        { 'x-forwarded-for': '10.0.0.2' },
      );
      expect(otherClient.status).toBe(401);
    } finally {
      await trusted.close();
    }
  });
});

describe('the same work for every failed login', () => {
  // What an outsider could time is the work each path does. A test counts that work, at the production
  // parameters; the time ratio itself is measured by `pnpm bench --only logins` (unknown user / wrong password),
  // because a timed assertion on a shared two-core machine fails on noise, not on a regression.
  const engine = countingArgon2Engine();
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ passwords: createPasswordHasher({ engine }) });
  });
  afterAll(() => api.close());

  it('an unknown user, a wrong password and a disabled account each cost one verification at the same parameters', async () => {
    const username = uniqueUsername();
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const disabled = uniqueUsername();
    const { user } = await api.client().auth.signup.mutate({ username: disabled, password: GOOD_PASSWORD });
    await api.repositories.users.disable(user.id, { now: new Date(), reason: 'user-disabled' });

    const workFor = async (body: { username: string; password: string }): Promise<unknown> => {
      engine.reset();
      const response = await post(api, 'auth.login', body);
      expect(response.status).toBe(401);
      return engine.calls;
    };
    const oneVerification = [
      {
        operation: 'verify',
        memoryCostKiB: ARGON2_MEMORY_COST_KIB,
        timeCost: ARGON2_TIME_COST,
        parallelism: ARGON2_PARALLELISM,
      },
    ];
    expect(await workFor({ username, password: 'wrong password guess' })).toEqual(oneVerification);
    expect(await workFor({ username: uniqueUsername('ghost'), password: 'wrong password guess' })).toEqual(
      oneVerification,
    );
    expect(await workFor({ username: disabled, password: GOOD_PASSWORD })).toEqual(oneVerification);
    // ...and the three answers are the same bytes apart from nothing an outsider could use.
    const bodies = await Promise.all(
      [
        { username, password: 'wrong password guess' },
        { username: uniqueUsername('ghost'), password: 'wrong password guess' },
        { username: disabled, password: GOOD_PASSWORD },
      ].map(async (body) => (await post(api, 'auth.login', body)).text()),
    );
    expect(new Set(bodies).size).toBe(1);
  });
});

describe('rehash on login', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('upgrades a hash made with weaker argon2 parameters, without revoking anything', async () => {
    const username = uniqueUsername();
    const session = await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const weak = createPasswordHasher({ memoryCostKiB: 8192, timeCost: 1 });
    await api.repositories.users.updatePasswordHash(session.user.id, await weak.hash(GOOD_PASSWORD));
    const before = await api.repositories.users.findById(session.user.id);
    expect(api.server.app.passwords.needsRehash(before!.passwordHash)).toBe(true);

    await api.client().auth.login.mutate({ username, password: GOOD_PASSWORD });
    const after = await api.repositories.users.findById(session.user.id);
    expect(after!.passwordHash).not.toBe(before!.passwordHash);
    expect(api.server.app.passwords.needsRehash(after!.passwordHash)).toBe(false);
    expect(after!.passwordChangedAt).toEqual(before!.passwordChangedAt);
    expect((await api.client(session.accessToken).auth.me.query()).username).toBe(username);
  });
});

describe('X-Forwarded-For parsing behind TRUST_PROXY=1', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => api.close());

  /** Signs up with these X-Forwarded-For header lines and returns the address the audit trail recorded. */
  async function recordedAddress(forwarded: string[]): Promise<string | null> {
    const body = JSON.stringify({
      username: uniqueUsername(),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    // node:http, not fetch: fetch folds repeated header lines into one, and a proxy chain may send several.
    const text = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(
        `${api.trpcUrl}/auth.signup`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
        },
        (response) => {
          let received = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (received += chunk));
          response.on('end', () => {
            resolve(received);
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    const session = (JSON.parse(text) as { result: { data: { accessToken: string } } }).result.data;
    const events = await api.client(session.accessToken).auth.auditEvents.query();
    return events.find((event) => event.type === 'signup')?.ip ?? null;
  }

  // What a client can send ahead of our proxy, and the entry our proxy appended last (nginx
  // `$proxy_add_x_forwarded_for`). The right-most entry is the client; the socket address (127.0.0.1: the
  // proxy itself) when the right-most entry is no address at all.
  const cases: [string, string[], string][] = [
    ['one entry', ['203.0.113.9'], '203.0.113.9'],
    ['a forged entry before ours', ['198.51.100.66, 203.0.113.9'], '203.0.113.9'],
    ['a forged multi-hop chain', ['10.0.0.1, 192.168.1.1, 198.51.100.66, 203.0.113.9'], '203.0.113.9'],
    ['forged header lines before ours', ['198.51.100.66', '10.0.0.1', '203.0.113.9'], '203.0.113.9'],
    ['spaces and empty entries', [' 198.51.100.66 ,, 203.0.113.9 , '], '203.0.113.9'],
    ['an IPv6 client', ['198.51.100.66, 2001:db8::9'], '2001:db8::9'],
    ['a right-most entry that is no address', ['203.0.113.9, not-an-address'], '127.0.0.1'],
    ['a right-most entry with a port', ['203.0.113.9:4711'], '127.0.0.1'],
  ];
  it.each(cases)('%s', async (_what, forwarded, expected) => {
    expect(await recordedAddress(forwarded)).toBe(expected);
  });
});
