// `auth.sessions` says where each session was signed in from and where it was last used: the login's client
// address, then the address of every refresh that rotated its token. Both are the address http/client-address.ts
// believes (here TRUST_PROXY=1, so the right-most X-Forwarded-For entry the proxy appended).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, post, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ env: { TRUST_PROXY: '1' } });
});
afterAll(() => api.close());

interface Issued {
  accessToken: string;
  refreshToken: string;
}

async function call(procedure: string, body: unknown, forwardedFor: string): Promise<Issued> {
  const response = await post(api, procedure, body, { 'x-forwarded-for': forwardedFor });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: { data: Issued } }).result.data;
}

async function signUpFrom(forwardedFor: string): Promise<Issued> {
  const username = uniqueUsername('lastused');
  return call('auth.signup', { username, password: GOOD_PASSWORD, refreshTransport: 'body' }, forwardedFor);
}

async function ownSession(accessToken: string) {
  const sessions = await api.client(accessToken).auth.sessions.query();
  return sessions.find((session) => session.current);
}

describe('auth.sessions: the last-used address', () => {
  it('is the sign-in address until the first refresh, then the address of each refresh', async () => {
    const signedUp = await signUpFrom('192.0.2.10');
    expect(await ownSession(signedUp.accessToken)).toMatchObject({
      signedInFrom: '192.0.2.10',
      lastUsedFrom: '192.0.2.10',
    });

    const first = await call(
      'auth.refresh',
      { refreshToken: signedUp.refreshToken, refreshTransport: 'body' },
      '2001:db8:1:2::7',
    );
    expect(await ownSession(first.accessToken)).toMatchObject({
      signedInFrom: '192.0.2.10',
      lastUsedFrom: '2001:db8:1:2::7',
    });

    // A forged entry to the left of the proxy's is not believed, here as for the rate limits.
    const second = await call(
      'auth.refresh',
      { refreshToken: first.refreshToken, refreshTransport: 'body' },
      '203.0.113.66, 198.51.100.20',
    );
    expect(await ownSession(second.accessToken)).toMatchObject({
      signedInFrom: '192.0.2.10',
      lastUsedFrom: '198.51.100.20',
    });
  });

  it('moves only for the session that refreshed, not for the user’s other sessions', async () => {
    const signedUp = await signUpFrom('192.0.2.10');
    const sessions = await api.client(signedUp.accessToken).auth.sessions.query();
    const username = (await api.client(signedUp.accessToken).auth.me.query()).username;
    const other = await call(
      'auth.login',
      { username, password: GOOD_PASSWORD, refreshTransport: 'body' },
      '192.0.2.11',
    );
    await call(
      'auth.refresh',
      { refreshToken: other.refreshToken, refreshTransport: 'body' },
      '198.51.100.30',
    );

    const after = await api.client(signedUp.accessToken).auth.sessions.query();
    expect(after.find((session) => session.current)).toMatchObject({
      id: sessions[0]?.id,
      lastUsedFrom: '192.0.2.10',
    });
    expect(after.find((session) => !session.current)).toMatchObject({
      signedInFrom: '192.0.2.11',
      lastUsedFrom: '198.51.100.30',
    });
  });
});
