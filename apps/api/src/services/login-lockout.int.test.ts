// Lock-out over real HTTP (OWASP "Slow Brute Force Attack", device cookies): a stranger who spends an account's
// attempts from many addresses does not lock its owner out on a device that logged in before; that device has
// its own counter; a token for another account, forged or expired, buys nothing. And per-address counters take
// an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 client it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { arrayContaining, stringMatching } from '../testing/matchers.js';

const DEVICE_COOKIE = 'latchkey-device';

/** The `name=value` pair of the device cookie a response set, ready for a Cookie header. */
function deviceCookieOf(response: Response): string {
  const pair = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((first) => first.startsWith(`${DEVICE_COOKIE}=`));
  expect(pair).toBeDefined();
  return pair ?? '';
}

/** Signs `username` up, then logs in as a body-transport client would; returns the device token it got. */
async function deviceTokenOf(api: TestApi, username: string): Promise<string> {
  await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  const loggedIn = await api
    .client()
    .auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  expect(loggedIn.deviceToken).toMatch(/^lkd1\./);
  return loggedIn.deviceToken ?? '';
}

/** `count` wrong passwords for `username`, each from its own forwarded address; returns the statuses. */
async function strangerGuesses(api: TestApi, username: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < count; attempt += 1) {
    const response = await post(
      api,
      'auth.login',
      { username, password: `stranger guess number ${attempt}` },
      { 'x-forwarded-for': `203.0.113.${attempt + 1}` },
    );
    statuses.push(response.status);
  }
  return statuses;
}

describe('lock-out', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The production defaults for the two login counters a stranger can reach; TRUST_PROXY so each guess
    // comes from its own address, as a botnet's would.
    api = await startTestApi({
      env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '10/15m', RATE_LIMIT_LOGIN_PER_DEVICE: '3/15m', TRUST_PROXY: '1' },
    });
  });
  afterAll(() => api.close());

  it('10 wrong passwords from 10 addresses do not lock the owner out on a device that logged in before', async () => {
    const username = uniqueUsername();
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const earlier = await post(api, 'auth.login', { username, password: GOOD_PASSWORD });
    expect(earlier.status).toBe(200);
    const cookie = deviceCookieOf(earlier);

    expect(await strangerGuesses(api, username, 11)).toEqual([...Array<number>(10).fill(401), 429]);

    const owner = await post(api, 'auth.login', { username, password: GOOD_PASSWORD }, { cookie });
    expect(owner.status).toBe(200);
    // The owner's success leaves the strangers' counter spent: it must not refill their guesses.
    expect(await strangerGuesses(api, username, 1)).toEqual([429]);
    // A device without the cookie (the owner on a new browser) shares the strangers' lock-out.
    expect((await post(api, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(429);
  });

  it('a body-transport client gets its device token in the body and presents it back', async () => {
    const username = uniqueUsername();
    const deviceToken = await deviceTokenOf(api, username);
    await strangerGuesses(api, username, 10);
    const owner = await api.client().auth.login.mutate({
      username,
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
      deviceToken,
    });
    expect(owner.user.username).toBe(username);
    expect(owner.deviceToken).toMatch(/^lkd1\./);
  });

  it('a device has its own limit: guessing with a device token is refused after RATE_LIMIT_LOGIN_PER_DEVICE', async () => {
    const username = uniqueUsername();
    const deviceToken = await deviceTokenOf(api, username);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await post(api, 'auth.login', {
        username,
        password: 'wrong password guess',
        deviceToken,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // ...and those guesses did not touch the account's counter: a new device still has its 10.
    expect((await post(api, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(200);
  });

  it('a device token for another account, forged, expired or malformed is not trusted', async () => {
    const victim = uniqueUsername('victim');
    const genuine = await deviceTokenOf(api, victim);
    const attackerToken = await deviceTokenOf(api, uniqueUsername('attacker'));
    const [version, issuedAt, nonce, mac = ''] = genuine.split('.');
    const flipped = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    await strangerGuesses(api, victim, 10);

    const untrusted: [string, string][] = [
      ["another account's token", attackerToken],
      ['a flipped mac', `${version}.${issuedAt}.${nonce}.${flipped}`],
      ['a moved issue time', `${version}.${Number(issuedAt) + 1}.${nonce}.${mac}`],
      ['not a token at all', 'lkd1'],
    ];
    for (const [what, deviceToken] of untrusted) {
      const response = await post(api, 'auth.login', {
        username: victim,
        password: GOOD_PASSWORD,
        deviceToken,
      });
      expect({ what, status: response.status }).toEqual({ what, status: 429 });
    }
    // A NUL byte is bad input before it is an untrusted token: a 400 naming the field, not a guess spent.
    const withNul = await post(api, 'auth.login', {
      username: victim,
      password: GOOD_PASSWORD,
      deviceToken: `${genuine.slice(0, 10)}\u0000${genuine.slice(11)}`,
    });
    expect(withNul.status).toBe(400);
    const asCookie = await post(
      api,
      'auth.login',
      { username: victim, password: GOOD_PASSWORD },
      { cookie: `${DEVICE_COOKIE}=${attackerToken}` },
    );
    expect(asCookie.status).toBe(429);

    // A year and a day later the victim's own token has expired (the lock-out window is real time, so it
    // still holds).
    api.clock.advance(366 * 86_400);
    try {
      const expired = await post(api, 'auth.login', {
        username: victim,
        password: GOOD_PASSWORD,
        deviceToken: genuine,
      });
      expect(expired.status).toBe(429);
    } finally {
      api.clock.advance(-366 * 86_400);
    }
    expect(
      (await post(api, 'auth.login', { username: victim, password: GOOD_PASSWORD, deviceToken: genuine }))
        .status,
    ).toBe(200);
  });

  it('a device token longer than any issued is a 400 BAD_REQUEST, not a lookup', async () => {
    const response = await post(api, 'auth.login', {
      username: uniqueUsername(),
      password: GOOD_PASSWORD,
      deviceToken: 'x'.repeat(10_000),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as WireError).error.data.zodError?.fieldErrors).toHaveProperty(
      'deviceToken',
    );
  });
});

describe('per-address counters', () => {
  it('count an IPv6 client by its /64, for logins and signups', async () => {
    const api = await startTestApi({
      env: {
        RATE_LIMIT_LOGIN_PER_ADDRESS: '2/10m',
        RATE_LIMIT_SIGNUP_PER_ADDRESS: '2/10m',
        TRUST_PROXY: '1',
      },
    });
    try {
      const loginFrom = async (address: string): Promise<number> =>
        (
          await post(
            api,
            'auth.login',
            { username: uniqueUsername(), password: 'guess guess guess' },
            { 'x-forwarded-for': address },
          )
        ).status;
      expect(await loginFrom('2001:db8:1:2::1')).toBe(401);
      expect(await loginFrom('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(401);
      expect(await loginFrom('2001:DB8:1:2:a:b:c:d')).toBe(429);
      expect(await loginFrom('2001:db8:1:3::1')).toBe(401);

      const signupFrom = async (address: string): Promise<number> =>
        (
          await post(
            api,
            'auth.signup',
            { username: uniqueUsername(), password: GOOD_PASSWORD },
            { 'x-forwarded-for': address },
          )
        ).status;
      expect(await signupFrom('2001:db8:9:9::1')).toBe(200);
      expect(await signupFrom('2001:db8:9:9::2')).toBe(200);
      expect(await signupFrom('2001:db8:9:9::3')).toBe(429);
    } finally {
      await api.close();
    }
  });

  it('count an IPv4-mapped IPv6 address as the IPv4 client it maps', async () => {
    const api = await startTestApi({ env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '2/10m', TRUST_PROXY: '1' } });
    try {
      const statuses: number[] = [];
      for (const address of ['192.0.2.1', '::ffff:192.0.2.1', '::ffff:c000:201']) {
        const response = await post(
          api,
          'auth.login',
          { username: uniqueUsername(), password: 'guess guess guess' },
          { 'x-forwarded-for': address },
        );
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await api.close();
    }
  });
});

describe('the device cookie with COOKIE_SECURE=1 (production)', () => {
  it('is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, without Domain, and is honoured back', async () => {
    const secure = await startTestApi({ env: { COOKIE_SECURE: '1', RATE_LIMIT_LOGIN_PER_ACCOUNT: '2/15m' } });
    try {
      const username = uniqueUsername();
      await secure.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
      const login = await post(secure, 'auth.login', { username, password: GOOD_PASSWORD });
      const device = login.headers
        .getSetCookie()
        .map((line) => line.split(';').map((part) => part.trim()))
        .find((attributes) => attributes[0]?.startsWith('__Host-latchkey-device='));
      expect(device?.[0]).toMatch(/^__Host-latchkey-device=lkd1\.\d+\.[\w-]{22}\.[\w-]{43}$/);
      expect(device).toEqual(
        arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/', stringMatching(/^Expires=/)]),
      );
      expect(device?.some((part) => /^domain=/i.test(part))).toBe(false);

      await post(secure, 'auth.login', { username, password: 'wrong password guess' });
      await post(secure, 'auth.login', { username, password: 'wrong password guess' });
      expect((await post(secure, 'auth.login', { username, password: GOOD_PASSWORD })).status).toBe(429);
      const owner = await post(
        secure,
        'auth.login',
        { username, password: GOOD_PASSWORD },
        { cookie: device?.[0] ?? '' },
      );
      expect(owner.status).toBe(200);
    } finally {
      await secure.close();
    }
  });
});
