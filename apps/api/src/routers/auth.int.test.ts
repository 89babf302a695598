// auth.* over real HTTP with @trpc/client: every procedure of apps/api/README.md and the rows of its
// error table.
import { createAccessTokenService, hmacSigningKeys, parseJwtSecret, type SigningKeys } from '@latchkey/auth';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../router.js';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TestClock,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { anyString, objectContaining, stringMatching } from '../testing/matchers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function signup(options: { username?: string } = {}) {
  const username = options.username ?? uniqueUsername();
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  return { username, session, accessToken: session.accessToken, refreshToken: session.refreshToken! };
}

/** The error a call failed with, as the client sees it. */
async function failure(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** An access token for a random subject, issued by a service other than the API's (another key, issuer or audience). */
async function foreignToken(options: {
  keys: SigningKeys;
  issuer?: string;
  audience?: string;
  role?: string;
}): Promise<string> {
  const other = await createAccessTokenService({
    keys: options.keys,
    issuer: options.issuer ?? 'latchkey',
    audience: options.audience ?? 'latchkey-api',
    ttlSeconds: 900,
  });
  const issued = await other.issue({
    userId: crypto.randomUUID(),
    sessionId: crypto.randomUUID(),
    role: options.role ?? 'user',
    authTime: new Date(),
  });
  return issued.token;
}

function secretOf(testApi: TestApi): Uint8Array {
  const { signing } = testApi.server.app.config;
  if (signing.kind !== 'secret') throw new Error('tests run on HS256');
  return parseJwtSecret(signing.secret);
}

describe('auth.signup', () => {
  it('creates a user with role user and returns a Session with the refresh token in the body when asked', async () => {
    const { username, session } = await signup();
    expect(session).toEqual({
      accessToken: anyString,
      accessTokenExpiresAt: anyString,
      refreshToken: stringMatching(/^lkr_/),
      user: { id: anyString, username, role: 'user', createdAt: anyString },
    });
    expect(Date.parse(session.accessTokenExpiresAt) - Date.now()).toBeGreaterThan(14 * 60 * 1000);
  });

  it('sets the refresh token as a cookie and leaves it out of the body by default', async () => {
    const response = await post(api, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: Record<string, unknown> } };
    expect(body.result.data).not.toHaveProperty('refreshToken');
    expect(response.headers.getSetCookie()).toEqual([stringMatching(/^latchkey-refresh=lkr_/)]);
  });

  it('refuses a taken username in any letter case with CONFLICT', async () => {
    const { username } = await signup();
    const error = await failure(
      api.client().auth.signup.mutate({ username: username.toUpperCase(), password: GOOD_PASSWORD }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
  });

  it('rejects a role in the input (mass assignment) with BAD_REQUEST and creates nobody', async () => {
    const username = uniqueUsername();
    const response = await post(api, 'auth.signup', { username, password: GOOD_PASSWORD, role: 'admin' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as WireError;
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(await api.repositories.users.findByUsername(username)).toBeNull();
  });

  it('reports bad input as field errors', async () => {
    const error = await failure(api.client().auth.signup.mutate({ username: 'x', password: GOOD_PASSWORD }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    const body = error.shape as unknown as WireError['error'];
    expect(body.data.zodError?.fieldErrors.username).toEqual([anyString]);
  });

  it('reports a password the policy refuses as a field error on password', async () => {
    const username = uniqueUsername();
    const tooCommon = await failure(api.client().auth.signup.mutate({ username, password: 'password123' }));
    expect(tooCommon.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(
      (tooCommon.shape as unknown as WireError['error']).data.zodError?.fieldErrors.password,
    ).toHaveLength(1);
    const containsName = await failure(
      api.client().auth.signup.mutate({ username, password: `${username}-secret-x` }),
    );
    expect(containsName.data?.code).toBe('BAD_REQUEST');
    expect(await api.repositories.users.findByUsername(username)).toBeNull();
  });
});

describe('auth.login', () => {
  it('logs in case-insensitively and starts a second session', async () => {
    const { username } = await signup();
    const session = await api.client().auth.login.mutate({
      username: username.toUpperCase(),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    expect(session.user.username).toBe(username);
    const sessions = await api.client(session.accessToken).auth.sessions.query();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((entry) => entry.current)).toHaveLength(1);
  });

  it('answers an unknown user and a wrong password with the same CREDENTIALS body', async () => {
    const { username } = await signup();
    const unknown = await post(api, 'auth.login', {
      username: uniqueUsername('ghost'),
      password: GOOD_PASSWORD,
    });
    const wrong = await post(api, 'auth.login', { username, password: 'not the password at all' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const unknownBody = (await unknown.json()) as WireError;
    const wrongBody = (await wrong.json()) as WireError;
    expect(unknownBody).toEqual(wrongBody);
    expect(wrongBody.error.data).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      reason: 'CREDENTIALS',
    });
  });

  it('writes audit events for a failed and a successful login', async () => {
    const { username, accessToken } = await signup();
    await failure(api.client().auth.login.mutate({ username, password: 'wrong password here' }));
    await api.client().auth.login.mutate({ username, password: GOOD_PASSWORD });
    const events = await api.client(accessToken).auth.auditEvents.query();
    expect(events.map((event) => event.type)).toEqual(['login.ok', 'login.failed', 'signup']);
  });
});

describe('the access-token error table', () => {
  it('no token: UNAUTHORIZED MISSING', async () => {
    const error = await failure(api.client().auth.me.query());
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'MISSING' });
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const { accessToken, username } = await signup();
    const response = await fetch(`${api.trpcUrl}/auth.me`, {
      headers: { authorization: `bEaReR ${accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: { data: { username: string } } }).result.data.username).toBe(
      username,
    );
  });

  it('expired token: UNAUTHORIZED EXPIRED', async () => {
    const { accessToken } = await signup();
    api.clock.advance(15 * 60 + 31);
    try {
      const error = await failure(api.client(accessToken).auth.me.query());
      expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'EXPIRED' });
    } finally {
      api.clock.advance(-(15 * 60 + 31));
    }
  });

  it.each<[string, () => Promise<string> | string]>([
    ['garbage', () => 'not-a-jwt'],
    ['a non-Bearer scheme', () => 'Basic dXNlcjpwYXNz'],
    [
      'a token signed with another secret',
      async () => {
        return foreignToken({
          keys: hmacSigningKeys(crypto.getRandomValues(new Uint8Array(32))),
          role: 'admin',
        });
      },
    ],
    [
      'another issuer',
      async () => {
        return foreignToken({ keys: hmacSigningKeys(secretOf(api)), issuer: 'evil' });
      },
    ],
    [
      'another audience',
      async () => {
        return foreignToken({ keys: hmacSigningKeys(secretOf(api)), audience: 'other-api' });
      },
    ],
    [
      'alg none',
      () => {
        const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({ iss: 'latchkey', aud: 'latchkey-api', sub: crypto.randomUUID(), sid: crypto.randomUUID(), role: 'admin', iat: now, exp: now + 600, jti: 'x' })}.`;
      },
    ],
  ])('%s: UNAUTHORIZED INVALID', async (_name, makeToken) => {
    const token = await makeToken();
    const header = token.startsWith('Basic ') ? token : `Bearer ${token}`;
    const response = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: header } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as WireError).error.data).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'INVALID',
    });
  });

  it('logged-out session: UNAUTHORIZED REVOKED, at once', async () => {
    const { accessToken, refreshToken } = await signup();
    await api.client(accessToken).auth.logout.mutate({ refreshToken });
    const error = await failure(api.client(accessToken).auth.me.query());
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'REVOKED' });
  });
});

describe('auth.logout, logoutAll, revokeSession', () => {
  it('logout with only the access token revokes that session', async () => {
    const { accessToken, refreshToken } = await signup();
    expect(await api.client(accessToken).auth.logout.mutate()).toEqual({ ok: true });
    expect((await failure(api.client(accessToken).auth.me.query())).data?.reason).toBe('REVOKED');
    const refreshError = await failure(api.client().auth.refresh.mutate({ refreshToken }));
    expect(refreshError.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'REVOKED' });
  });

  it('logout with neither token is UNAUTHORIZED MISSING', async () => {
    expect((await failure(api.client().auth.logout.mutate())).data).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'MISSING',
    });
  });

  it('logoutAll revokes every session of the user, and only theirs', async () => {
    const first = await signup();
    const second = await api
      .client()
      .auth.login.mutate({ username: first.username, password: GOOD_PASSWORD });
    const bystander = await signup();
    expect(await api.client(first.accessToken).auth.logoutAll.mutate()).toEqual({ revoked: 2 });
    expect((await failure(api.client(first.accessToken).auth.me.query())).data?.reason).toBe('REVOKED');
    expect((await failure(api.client(second.accessToken).auth.me.query())).data?.reason).toBe('REVOKED');
    expect((await api.client(bystander.accessToken).auth.me.query()).username).toBe(bystander.username);
  });

  it("revokeSession ends another session of mine at once; another user's session is NOT_FOUND", async () => {
    const me = await signup();
    const laptop = await api.client().auth.login.mutate({ username: me.username, password: GOOD_PASSWORD });
    const sessions = await api.client(me.accessToken).auth.sessions.query();
    const laptopSession = sessions.find((entry) => !entry.current)!;
    expect(
      await api.client(me.accessToken).auth.revokeSession.mutate({ sessionId: laptopSession.id }),
    ).toEqual({ ok: true });
    expect((await failure(api.client(laptop.accessToken).auth.me.query())).data?.reason).toBe('REVOKED');
    expect(await api.client(me.accessToken).auth.sessions.query()).toHaveLength(1);

    const stranger = await signup();
    const strangerSession = (await api.client(stranger.accessToken).auth.sessions.query())[0]!;
    const error = await failure(
      api.client(me.accessToken).auth.revokeSession.mutate({ sessionId: strangerSession.id }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect((await api.client(stranger.accessToken).auth.me.query()).username).toBe(stranger.username);
  });

  it('sessions lists id, times, the user agent read as "browser on system", the sign-in address and which one is current', async () => {
    const { username } = await signup();
    const chromeOnLinux =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const response = await post(
      api,
      'auth.login',
      { username, password: GOOD_PASSWORD, refreshTransport: 'body' },
      { 'user-agent': chromeOnLinux },
    );
    expect(response.status).toBe(200);
    const login = (await response.json()) as { result: { data: { accessToken: string } } };
    const sessions = await api.client(login.result.data.accessToken).auth.sessions.query();
    expect(sessions.find((entry) => entry.current)).toEqual({
      id: anyString,
      createdAt: anyString,
      lastUsedAt: anyString,
      userAgent: chromeOnLinux,
      browser: 'Chrome',
      os: 'Linux',
      deviceLabel: 'Chrome on Linux',
      signedInFrom: stringMatching(/^(::ffff:)?127\.0\.0\.1$/),
      lastUsedFrom: stringMatching(/^(::ffff:)?127\.0\.0\.1$/),
      current: true,
    });
    // The signup's session came from Node's fetch, which names itself "node".
    expect(sessions.find((entry) => !entry.current)).toMatchObject({ browser: null, deviceLabel: 'node' });
  });
});

describe('auth.changePassword', () => {
  it('changes the password, revokes the other sessions, keeps this one, and returns a fresh access token', async () => {
    const me = await signup();
    const other = await api
      .client()
      .auth.login.mutate({ username: me.username, password: GOOD_PASSWORD, refreshTransport: 'body' });
    const newPassword = 'a different long passphrase';
    const result = await api
      .client(me.accessToken)
      .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword });
    expect(result.refreshToken).toBeUndefined();
    expect((await failure(api.client(other.accessToken).auth.me.query())).data?.reason).toBe('REVOKED');
    expect(
      (await failure(api.client().auth.refresh.mutate({ refreshToken: other.refreshToken! }))).data?.reason,
    ).toBe('REVOKED');
    expect((await api.client(result.accessToken).auth.me.query()).username).toBe(me.username);
    // This session's refresh token still works.
    await api.client().auth.refresh.mutate({ refreshToken: me.refreshToken });
    expect(
      (await failure(api.client().auth.login.mutate({ username: me.username, password: GOOD_PASSWORD }))).data
        ?.reason,
    ).toBe('CREDENTIALS');
    await api.client().auth.login.mutate({ username: me.username, password: newPassword });
    const events = await api.client(result.accessToken).auth.auditEvents.query();
    expect(events.map((event) => event.type)).toContain('password.changed');
  });

  it('needs a fresh login: FRESH_LOGIN_REQUIRED after the fresh window, even with a valid token', async () => {
    const me = await signup();
    api.clock.advance(301);
    try {
      const error = await failure(
        api.client(me.accessToken).auth.changePassword.mutate({
          currentPassword: GOOD_PASSWORD,
          newPassword: 'another long passphrase',
        }),
      );
      expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'FRESH_LOGIN_REQUIRED' });
      // A refresh does not make a login fresh: auth_time is the login's.
      const refreshed = await api.client().auth.refresh.mutate({ refreshToken: me.refreshToken });
      const again = await failure(
        api.client(refreshed.accessToken).auth.changePassword.mutate({
          currentPassword: GOOD_PASSWORD,
          newPassword: 'another long passphrase',
        }),
      );
      expect(again.data?.reason).toBe('FRESH_LOGIN_REQUIRED');
    } finally {
      api.clock.advance(-301);
    }
  });

  it('refuses a wrong current password with CREDENTIALS and changes nothing', async () => {
    const me = await signup();
    const error = await failure(
      api.client(me.accessToken).auth.changePassword.mutate({
        currentPassword: 'wrong wrong wrong',
        newPassword: 'another long passphrase',
      }),
    );
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'CREDENTIALS' });
    await api.client().auth.login.mutate({ username: me.username, password: GOOD_PASSWORD });
  });

  it('reports a refused new password as a field error on newPassword', async () => {
    const me = await signup();
    const error = await failure(
      api
        .client(me.accessToken)
        .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: 'short' }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(
      (error.shape as unknown as WireError['error']).data.zodError?.fieldErrors.newPassword,
    ).toHaveLength(1);
  });
});

describe('auth.settings and auth.token', () => {
  it('tells anyone, without a token, the lifetimes and password rules the server enforces', async () => {
    const settings = await api.client().auth.settings.query();
    expect(settings).toEqual({
      issuer: api.server.app.config.issuer,
      audience: api.server.app.config.audience,
      algorithm: 'HS256',
      accessTokenTtlSeconds: 900,
      sessionIdleSeconds: 30 * 86_400,
      sessionAbsoluteSeconds: 90 * 86_400,
      freshLoginSeconds: 300,
      accountRecovery: true,
      password: { minLength: 8, maxLength: 256, maxBytes: 1024 },
    });
  });

  it('reports settings from the configuration, not constants', async () => {
    const other = await startTestApi({
      env: { ACCESS_TOKEN_TTL: '5m', FRESH_LOGIN_SECONDS: '60', REFRESH_TOKEN_TTL: '1d' },
    });
    try {
      expect(await other.client().auth.settings.query()).toMatchObject({
        accessTokenTtlSeconds: 300,
        sessionIdleSeconds: 86_400,
        freshLoginSeconds: 60,
      });
    } finally {
      await other.close();
    }
  });

  it("describes the caller's verified token: subject, session, expiry and the end of the fresh-login window", async () => {
    const { session, accessToken } = await signup();
    const described = await api.client(accessToken).auth.token.query();
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      sid: string;
      iat: number;
      auth_time: number;
    };
    expect(claims.sub).toBe(session.user.id);
    expect(described).toEqual({
      userId: session.user.id,
      sessionId: claims.sid,
      role: 'user',
      issuedAt: new Date(claims.iat * 1000).toISOString(),
      expiresAt: session.accessTokenExpiresAt,
      authTime: new Date(claims.auth_time * 1000).toISOString(),
      freshUntil: new Date((claims.auth_time + 300) * 1000).toISOString(),
    });
  });

  it('refuses auth.token without a token, after logout and once expired, each with its reason', async () => {
    expect((await failure(api.client().auth.token.query())).data).toMatchObject({ reason: 'MISSING' });
    const loggedOut = await signup();
    await api.client(loggedOut.accessToken).auth.logout.mutate({ refreshToken: loggedOut.refreshToken });
    expect((await failure(api.client(loggedOut.accessToken).auth.token.query())).data).toMatchObject({
      reason: 'REVOKED',
    });
    const clock = new TestClock();
    const timed = await startTestApi({ clock });
    try {
      const { accessToken } = await timed
        .client()
        .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD });
      clock.advance(900 + 31);
      expect((await failure(timed.client(accessToken).auth.token.query())).data).toMatchObject({
        reason: 'EXPIRED',
      });
    } finally {
      await timed.close();
    }
  });
});

describe('auth.me and auth.auditEvents', () => {
  it('me returns the User shape', async () => {
    const { session, accessToken } = await signup();
    expect(await api.client(accessToken).auth.me.query()).toEqual(session.user);
  });

  it('auditEvents returns only my own events', async () => {
    const me = await signup();
    const other = await signup();
    await api.client(other.accessToken).auth.logout.mutate();
    const events = await api.client(me.accessToken).auth.auditEvents.query();
    expect(events).toEqual([
      objectContaining({ type: 'signup', sessionId: anyString, createdAt: anyString }),
    ]);
  });
});
