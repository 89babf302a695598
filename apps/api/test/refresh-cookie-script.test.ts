// What a script running on the app's own origin (an XSS) can do with the httpOnly refresh cookie, over real HTTP.
// Such a script passes every CSRF check (it is same-origin), so the server must not let it choose where the
// refresh token goes, nor let it throw the victim's cookie away without revoking the session behind it:
//   - a refresh token that came in the cookie is answered only through the cookie; a contradicting
//     `refreshTransport` is a BAD_REQUEST naming the field, refused before anything is rotated;
//   - logout clears the cookie only when it revoked the session that cookie belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../src/testing/test-api.js';
import { stringMatching } from '../src/testing/matchers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

interface CookieSession {
  /** `name=value`, as the browser sends it. */
  cookie: string;
  accessToken: string;
  sessionId: string;
}

function cookieOf(response: Response): string {
  const [setCookie] = response.headers.getSetCookie();
  if (setCookie === undefined) throw new Error('no Set-Cookie');
  return setCookie.split(';')[0] ?? '';
}

function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string }).sid;
}

/** A browser session: signed up with the default transport, so the refresh token is only in the cookie. */
async function browserSession(): Promise<CookieSession> {
  const response = await post(api, 'auth.signup', {
    username: uniqueUsername('xss'),
    password: GOOD_PASSWORD,
  });
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  const accessToken = body.result.data.accessToken;
  return { cookie: cookieOf(response), accessToken, sessionId: sessionIdOf(accessToken) };
}

/** A call as a script on the page makes it: same origin, JSON, the browser attaching the cookie. */
function fromThePage(procedure: string, body: unknown, cookie: string): Promise<Response> {
  return post(api, procedure, body, { cookie, origin: TEST_ORIGIN });
}

async function isLive(sessionId: string): Promise<boolean> {
  return (await api.repositories.sessions.findActiveById(sessionId, api.clock.now())) !== null;
}

async function auditTypes(accessToken: string): Promise<string[]> {
  const events = await api.client(accessToken).auth.auditEvents.query();
  return events.map((event) => event.type);
}

describe('a refresh token that came in the cookie goes back only through the cookie', () => {
  it('refuses refreshTransport "body" on a cookie refresh with BAD_REQUEST on that field, and rotates nothing', async () => {
    const victim = await browserSession();
    const response = await fromThePage('auth.refresh', { refreshTransport: 'body' }, victim.cookie);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/lkr_/);
    const body = JSON.parse(text) as WireError;
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.zodError?.fieldErrors.refreshTransport).toEqual([stringMatching(/cookie/)]);
    expect(response.headers.getSetCookie()).toEqual([]);
    // Nothing rotated: no refresh in the audit trail, and the cookie still refreshes as the only token.
    expect(await auditTypes(victim.accessToken)).toEqual(['signup']);
    const again = await fromThePage('auth.refresh', {}, victim.cookie);
    expect(again.status).toBe(200);
    expect(await again.text()).not.toMatch(/lkr_/);
    expect(cookieOf(again)).toMatch(/^latchkey-refresh=lkr_/);
  });

  it('accepts refreshTransport "cookie" on a cookie refresh and keeps the token out of the body', async () => {
    const victim = await browserSession();
    const response = await fromThePage('auth.refresh', { refreshTransport: 'cookie' }, victim.cookie);
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/lkr_/);
    expect(cookieOf(response)).toMatch(/^latchkey-refresh=lkr_/);
  });

  it('answers a body token in the body, and refuses refreshTransport "cookie" with it on that field', async () => {
    const session = await api.client().auth.signup.mutate({
      username: uniqueUsername('xss'),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    const refused = await post(api, 'auth.refresh', {
      refreshToken: session.refreshToken,
      refreshTransport: 'cookie',
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as WireError).error.data.zodError?.fieldErrors.refreshTransport).toEqual([
      stringMatching(/body/),
    ]);
    expect(refused.headers.getSetCookie()).toEqual([]);
    const refreshed = await post(api, 'auth.refresh', { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    const data = ((await refreshed.json()) as { result: { data: { refreshToken?: string } } }).result.data;
    expect(data.refreshToken).toMatch(/^lkr_/);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
  });
});

describe('logout clears the cookie only when it revoked the session the cookie belongs to', () => {
  it.each([
    ['a well-formed token of no session', `lkr_${'A'.repeat(43)}`],
    ['a malformed token', 'not-a-refresh-token'],
  ])(
    'a body token that matches no live session (%s) is UNAUTHORIZED INVALID and leaves the cookie and session alone',
    async (_name, refreshToken) => {
      const victim = await browserSession();
      const response = await fromThePage('auth.logout', { refreshToken }, victim.cookie);
      expect(response.status).toBe(401);
      expect(((await response.json()) as WireError).error.data).toMatchObject({
        code: 'UNAUTHORIZED',
        reason: 'INVALID',
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await isLive(victim.sessionId)).toBe(true);
      expect((await fromThePage('auth.refresh', {}, victim.cookie)).status).toBe(200);
    },
  );

  it("the body token of session A with the cookie of session B revokes A and leaves B's cookie alone", async () => {
    const victim = await browserSession();
    const other = await api.client().auth.signup.mutate({
      username: uniqueUsername('xss'),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    const response = await fromThePage('auth.logout', { refreshToken: other.refreshToken }, victim.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await isLive(sessionIdOf(other.accessToken))).toBe(false);
    expect(await isLive(victim.sessionId)).toBe(true);
  });

  it('the cookie alone revokes its session and clears the cookie', async () => {
    const victim = await browserSession();
    const response = await fromThePage('auth.logout', {}, victim.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([stringMatching(/^latchkey-refresh=;/)]);
    expect(await isLive(victim.sessionId)).toBe(false);
  });

  it('a cookie holding an already rotated token still ends its session, and clears the cookie', async () => {
    const victim = await browserSession();
    expect((await fromThePage('auth.refresh', {}, victim.cookie)).status).toBe(200);
    const response = await fromThePage('auth.logout', {}, victim.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([stringMatching(/^latchkey-refresh=;/)]);
    expect(await isLive(victim.sessionId)).toBe(false);
  });

  it('a cookie of an already revoked session is UNAUTHORIZED INVALID and the cookie is left alone', async () => {
    const victim = await browserSession();
    expect((await fromThePage('auth.logout', {}, victim.cookie)).status).toBe(200);
    const again = await fromThePage('auth.logout', {}, victim.cookie);
    expect(again.status).toBe(401);
    expect(((await again.json()) as WireError).error.data).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'INVALID',
    });
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('an access-token logout without a cookie revokes that session and sends no Set-Cookie', async () => {
    const victim = await browserSession();
    const response = await post(api, 'auth.logout', {}, { authorization: `Bearer ${victim.accessToken}` });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await isLive(victim.sessionId)).toBe(false);
  });

  it('the script attack end to end: the refresh token never leaves the cookie and a bogus logout keeps reuse detection armed', async () => {
    const victim = await browserSession();
    // 1. A refresh asking for the body: refused, no token in the answer.
    const stolen = await fromThePage('auth.refresh', { refreshTransport: 'body' }, victim.cookie);
    expect(await stolen.text()).not.toMatch(/lkr_/);
    // 2. A logout with a made-up token, to make the browser forget the cookie: refused, cookie kept.
    const forget = await fromThePage('auth.logout', { refreshToken: `lkr_${'B'.repeat(43)}` }, victim.cookie);
    expect(forget.headers.getSetCookie()).toEqual([]);
    // 3. The victim's next refresh, with the cookie, still works: the session was never forked.
    expect((await fromThePage('auth.refresh', {}, victim.cookie)).status).toBe(200);
  });
});

describe('a refresh cookie planted beside the real one (cookie tossing on plain HTTP)', () => {
  // document.cookie cannot overwrite the httpOnly cookie, but it can add one of the same name at a longer Path
  // (`Path=/trpc/auth.logout`), which the browser sends first. Its value: a token of the script's own account.
  it.each(['auth.logout', 'auth.refresh'])(
    '%s with two refresh cookies is FORBIDDEN CSRF: nothing revoked, rotated or cleared',
    async (procedure) => {
      const victim = await browserSession();
      const planted = await browserSession();
      const response = await fromThePage(procedure, {}, `${planted.cookie}; ${victim.cookie}`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as WireError).error.data).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CSRF',
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await isLive(victim.sessionId)).toBe(true);
      expect(await isLive(planted.sessionId)).toBe(true);
      expect(await auditTypes(planted.accessToken)).toEqual(['signup']);
    },
  );
});

describe('changePassword leaves the refresh token where the session keeps it', () => {
  it('a cookie session: no Set-Cookie and no refresh token in the body; the cookie keeps refreshing', async () => {
    const me = await browserSession();
    const response = await post(
      api,
      'auth.changePassword',
      { currentPassword: GOOD_PASSWORD, newPassword: 'a different long passphrase' },
      { authorization: `Bearer ${me.accessToken}`, cookie: me.cookie, origin: TEST_ORIGIN },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/lkr_/);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await fromThePage('auth.refresh', {}, me.cookie)).status).toBe(200);
  });

  it('a body session: no refresh token in the answer and no cookie; the stored token keeps refreshing', async () => {
    const session = await api.client().auth.signup.mutate({
      username: uniqueUsername('xss'),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    const response = await post(
      api,
      'auth.changePassword',
      { currentPassword: GOOD_PASSWORD, newPassword: 'a different long passphrase' },
      { authorization: `Bearer ${session.accessToken}` },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/lkr_/);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await post(api, 'auth.refresh', { refreshToken: session.refreshToken })).status).toBe(200);
  });

  it('refuses a refreshTransport on changePassword with BAD_REQUEST: there is no new refresh token to place', async () => {
    const me = await browserSession();
    const response = await post(
      api,
      'auth.changePassword',
      {
        currentPassword: GOOD_PASSWORD,
        newPassword: 'a different long passphrase',
        refreshTransport: 'body',
      },
      { authorization: `Bearer ${me.accessToken}` },
    );
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
