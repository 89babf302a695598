// The account's life over real HTTP: self-service deletion (fresh login and the password), an admin's re-enable
// and revocation of one session of another user, and the ended sessions with the reason each ended. Each flow
// with its failures and the other user's view: user A cannot delete, revoke or read anything of user B's.
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyString, objectContaining } from '../testing/matchers.js';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function signup(options: { admin?: boolean } = {}) {
  const username = uniqueUsername();
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  if (options.admin === true) await api.repositories.users.setRole(session.user.id, 'admin');
  return {
    username,
    id: session.user.id,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken!,
    sessionId: sessionIdOf(session.accessToken),
  };
}

function login(username: string, password = GOOD_PASSWORD) {
  return api.client().auth.login.mutate({ username, password, refreshTransport: 'body' });
}

/** The session id (`sid`) of an access token. */
function sessionIdOf(accessToken: string): string {
  const [, payload = ''] = accessToken.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid: string }).sid;
}

async function errorData(call: Promise<unknown>): Promise<{ code?: string; reason?: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error.data as { code?: string; reason?: string };
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function auditTypes(userId: string): Promise<string[]> {
  return (await api.repositories.audit.listForUser(userId, { limit: 100 })).map((event) => event.type);
}

describe('auth.deleteAccount', () => {
  it('deletes the account and its tasks, and ends every session of it at once', async () => {
    const me = await signup();
    const other = await login(me.username);
    const mine = api.client(me.accessToken);
    await mine.tasks.create.mutate({ title: 'gone with the account' });
    const bystander = await signup();
    const theirs = await api.client(bystander.accessToken).tasks.create.mutate({ title: 'stays' });

    expect(await mine.auth.deleteAccount.mutate({ password: GOOD_PASSWORD })).toEqual({ ok: true });

    expect(await api.repositories.users.findById(me.id)).toBeNull();
    expect(await api.repositories.tasks.list(me.id)).toEqual([]);
    // Both sessions' access tokens are refused, and neither refresh token brings one back.
    for (const accessToken of [me.accessToken, other.accessToken])
      expect(await errorData(api.client(accessToken).auth.me.query())).toMatchObject({ reason: 'REVOKED' });
    for (const refreshToken of [me.refreshToken, other.refreshToken!])
      expect(await errorData(api.client().auth.refresh.mutate({ refreshToken }))).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    expect(await errorData(login(me.username))).toMatchObject({ reason: 'CREDENTIALS' });
    // Nothing of anyone else's moved.
    expect(await api.client(bystander.accessToken).tasks.list.query()).toEqual([theirs]);
  });

  it('keeps the audit trail under the account id, ending with account.deleted', async () => {
    const me = await signup();
    await api.client(me.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD });
    const events = await api.repositories.audit.listForUser(me.id, { limit: 100 });
    expect(events.map((event) => event.type)).toEqual(['account.deleted', 'signup']);
    expect(events[0]).toMatchObject({ sessionId: me.sessionId, detail: { revokedSessions: 1 } });
    expect(JSON.stringify(events)).not.toContain(me.username);
  });

  it('frees the name at once: the new account has a new id and sees nothing of the old one', async () => {
    const me = await signup();
    await api.client(me.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD });
    const again = await api.client().auth.signup.mutate({
      username: me.username,
      password: `${GOOD_PASSWORD} 2`,
      refreshTransport: 'body',
    });
    expect(again.user.id).not.toBe(me.id);
    const client = api.client(again.accessToken);
    expect((await client.auth.auditEvents.query()).map((event) => event.type)).toEqual(['signup']);
    expect(await client.auth.endedSessions.query()).toEqual([]);
    expect(await client.tasks.list.query()).toEqual([]);
  });

  it('refuses a wrong password (CREDENTIALS) and deletes nothing', async () => {
    const me = await signup();
    const call = api.client(me.accessToken).auth.deleteAccount.mutate({ password: 'not my password' });
    expect(await errorData(call)).toMatchObject({ code: 'UNAUTHORIZED', reason: 'CREDENTIALS' });
    expect(await api.repositories.users.findById(me.id)).not.toBeNull();
    expect(await api.client(me.accessToken).auth.me.query()).toMatchObject({ id: me.id });
  });

  it('refuses a login older than the fresh-login window (FRESH_LOGIN_REQUIRED) and deletes nothing', async () => {
    const me = await signup();
    api.clock.advance(301);
    try {
      const call = api.client(me.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD });
      expect(await errorData(call)).toMatchObject({ reason: 'FRESH_LOGIN_REQUIRED' });
    } finally {
      api.clock.advance(-301);
    }
    expect(await api.repositories.users.findById(me.id)).not.toBeNull();
  });

  it('refuses a call without an access token (MISSING)', async () => {
    expect(
      await errorData(api.client().auth.deleteAccount.mutate({ password: GOOD_PASSWORD })),
    ).toMatchObject({
      reason: 'MISSING',
    });
  });

  it("cannot reach another user's account: no userId input, and their password does not work", async () => {
    const attacker = await signup();
    const victim = await signup();
    const response = await post(
      api,
      'auth.deleteAccount',
      { password: GOOD_PASSWORD, userId: victim.id },
      { authorization: `Bearer ${attacker.accessToken}` },
    );
    expect(response.status).toBe(400);
    expect(await api.repositories.users.findById(attacker.id)).not.toBeNull();
    // The attacker's own account with the victim's password (both are GOOD_PASSWORD here, so change one).
    await api
      .client(victim.accessToken)
      .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: 'victim only passphrase' });
    const call = api
      .client(attacker.accessToken)
      .auth.deleteAccount.mutate({ password: 'victim only passphrase' });
    expect(await errorData(call)).toMatchObject({ reason: 'CREDENTIALS' });
    expect(await api.repositories.users.findById(victim.id)).not.toBeNull();
    expect(await api.repositories.users.findById(attacker.id)).not.toBeNull();
  });

  it.each([
    ['a NUL byte', { password: 'a\u0000b' }],
    ['a lone surrogate', { password: 'a\ud800b' }],
    ['no password', {}],
    ['an overlong password', { password: 'x'.repeat(5000) }],
    ['a nested value', { password: { deep: [[[GOOD_PASSWORD]]] } }],
  ])('answers %s with a clean BAD_REQUEST and deletes nothing', async (_name, body) => {
    const me = await signup();
    const response = await post(api, 'auth.deleteAccount', body, {
      authorization: `Bearer ${me.accessToken}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as WireError).error.data.code).toBe('BAD_REQUEST');
    expect(await api.repositories.users.findById(me.id)).not.toBeNull();
  });

  it('clears the refresh cookie of the session it ended, and only that cookie', async () => {
    const username = uniqueUsername();
    const signupResponse = await post(
      api,
      'auth.signup',
      { username, password: GOOD_PASSWORD },
      { origin: TEST_ORIGIN },
    );
    const cookie = signupResponse.headers.getSetCookie()[0]!.split(';')[0]!;
    const { accessToken } = ((await signupResponse.json()) as { result: { data: { accessToken: string } } })
      .result.data;
    const response = await post(
      api,
      'auth.deleteAccount',
      { password: GOOD_PASSWORD },
      { authorization: `Bearer ${accessToken}`, cookie, origin: TEST_ORIGIN },
    );
    expect(response.status).toBe(200);
    const [cleared] = response.headers.getSetCookie();
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);

    // A script's own account cannot make the browser forget another account's live cookie.
    const victimResponse = await post(
      api,
      'auth.signup',
      { username: uniqueUsername(), password: GOOD_PASSWORD },
      { origin: TEST_ORIGIN },
    );
    const victimCookie = victimResponse.headers.getSetCookie()[0]!.split(';')[0]!;
    const attacker = await signup();
    const attack = await post(
      api,
      'auth.deleteAccount',
      { password: GOOD_PASSWORD },
      { authorization: `Bearer ${attacker.accessToken}`, cookie: victimCookie, origin: TEST_ORIGIN },
    );
    expect(attack.status).toBe(200);
    expect(attack.headers.getSetCookie()).toEqual([]);
    expect((await post(api, 'auth.refresh', {}, { cookie: victimCookie, origin: TEST_ORIGIN })).status).toBe(
      200,
    );
  });

  it('a login racing the deletion ends with no live session', async () => {
    for (let round = 0; round < 5; round += 1) {
      const me = await signup();
      const [deleted, raced] = await Promise.allSettled([
        api.client(me.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD }),
        login(me.username),
      ]);
      expect(deleted.status).toBe('fulfilled');
      if (raced.status === 'fulfilled') {
        expect(await errorData(api.client(raced.value.accessToken).auth.me.query())).toMatchObject({
          code: 'UNAUTHORIZED',
        });
        const refreshToken = raced.value.refreshToken!;
        expect(await errorData(api.client().auth.refresh.mutate({ refreshToken }))).toMatchObject({
          code: 'UNAUTHORIZED',
        });
      }
      const rows = await api.repositories.sessions.listActiveForUser(me.id, api.clock.now());
      expect(rows).toEqual([]);
    }
  });

  it('a refresh racing the deletion ends with no live session', async () => {
    for (let round = 0; round < 5; round += 1) {
      const me = await signup();
      const [deleted, raced] = await Promise.allSettled([
        api.client(me.accessToken).auth.deleteAccount.mutate({ password: GOOD_PASSWORD }),
        api.client().auth.refresh.mutate({ refreshToken: me.refreshToken }),
      ]);
      expect(deleted.status).toBe('fulfilled');
      if (raced.status === 'fulfilled')
        expect(await errorData(api.client(raced.value.accessToken).auth.me.query())).toMatchObject({
          reason: 'REVOKED',
        });
      expect(await api.repositories.sessions.listActiveForUser(me.id, api.clock.now())).toEqual([]);
    }
  });
});

describe('auth.endedSessions', () => {
  it('says why each session ended, most recently ended first', async () => {
    const me = await signup();
    const byLogout = await login(me.username);
    await api.client(byLogout.accessToken).auth.logout.mutate({ refreshToken: byLogout.refreshToken! });
    const byUser = await login(me.username);
    await api
      .client(me.accessToken)
      .auth.revokeSession.mutate({ sessionId: sessionIdOf(byUser.accessToken) });
    const byChange = await login(me.username);
    const changed = await api
      .client(me.accessToken)
      .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: 'a brand new passphrase' });
    const byReuse = await login(me.username, 'a brand new passphrase');
    await api.client().auth.refresh.mutate({ refreshToken: byReuse.refreshToken! });
    api.clock.advance(60);
    try {
      await errorData(api.client().auth.refresh.mutate({ refreshToken: byReuse.refreshToken! }));
    } finally {
      api.clock.advance(-60);
    }
    const admin = await signup({ admin: true });
    const byAdmin = await login(me.username, 'a brand new passphrase');
    await api
      .client(admin.accessToken)
      .admin.revokeSession.mutate({ userId: me.id, sessionId: sessionIdOf(byAdmin.accessToken) });
    const byAll = await login(me.username, 'a brand new passphrase');
    await api.client(byAll.accessToken).auth.logoutAll.mutate();

    const reader = await login(me.username, 'a brand new passphrase');
    const ended = await api.client(reader.accessToken).auth.endedSessions.query();
    // logoutAll also ended the session the password change kept (the first one), in the same call.
    const reasons = new Map(ended.map((session) => [session.id, session.endedReason]));
    expect(reasons).toEqual(
      new Map([
        [sessionIdOf(byLogout.accessToken), 'logout'],
        [sessionIdOf(byUser.accessToken), 'revoked-by-user'],
        [sessionIdOf(byChange.accessToken), 'password-changed'],
        [sessionIdOf(byReuse.accessToken), 'refresh-reuse'],
        [sessionIdOf(byAdmin.accessToken), 'revoked-by-admin'],
        [sessionIdOf(changed.accessToken), 'logout-all'],
        [sessionIdOf(byAll.accessToken), 'logout-all'],
      ]),
    );
    const endedAt = ended.map((session) => session.endedAt);
    expect(endedAt).toEqual([...endedAt].sort().reverse());
    expect(ended[0]).toMatchObject({ deviceLabel: anyString, signedInFrom: anyString });
  });

  it('an admin disable reads user-disabled once the account is enabled again', async () => {
    const admin = await signup({ admin: true });
    const me = await signup();
    await api.client(admin.accessToken).admin.disableUser.mutate({ userId: me.id });
    await api.client(admin.accessToken).admin.enableUser.mutate({ userId: me.id });
    const again = await login(me.username);
    expect(await api.client(again.accessToken).auth.endedSessions.query()).toEqual([
      objectContaining({ id: me.sessionId, endedReason: 'user-disabled' }),
    ]);
  });

  it('returns at most 20, and none of anyone else’s', async () => {
    const me = await signup();
    const other = await signup();
    for (let index = 0; index < 22; index += 1) {
      const { accessToken } = await login(me.username);
      await api.client(accessToken).auth.logout.mutate();
    }
    const ended = await api.client(me.accessToken).auth.endedSessions.query();
    expect(ended).toHaveLength(20);
    expect(await api.client(other.accessToken).auth.endedSessions.query()).toEqual([]);
  });
});

describe('admin.enableUser', () => {
  it('lets a disabled user log in again, audited with the admin', async () => {
    const admin = await signup({ admin: true });
    const me = await signup();
    await api.client(admin.accessToken).admin.disableUser.mutate({ userId: me.id });
    expect(await errorData(login(me.username))).toMatchObject({ reason: 'CREDENTIALS' });

    const enabled = await api.client(admin.accessToken).admin.enableUser.mutate({ userId: me.id });

    expect(enabled).toMatchObject({ id: me.id, disabledAt: null });
    expect(await login(me.username)).toMatchObject({ user: { id: me.id } });
    const [event] = await api.repositories.audit.listForUser(me.id, { limit: 5 });
    expect(event).toBeDefined();
    const events = await api.repositories.audit.listForUser(me.id, { limit: 100 });
    expect(events.find((entry) => entry.type === 'user.enabled')).toMatchObject({
      detail: { by: admin.id, wasDisabled: true },
    });
    // The old session stays ended: the user logs in anew.
    expect(await errorData(api.client(me.accessToken).auth.me.query())).toMatchObject({ reason: 'REVOKED' });
  });

  it('is FORBIDDEN to a non-admin, and nothing changes', async () => {
    const admin = await signup({ admin: true });
    const target = await signup();
    await api.client(admin.accessToken).admin.disableUser.mutate({ userId: target.id });
    const intruder = await signup();
    const call = api.client(intruder.accessToken).admin.enableUser.mutate({ userId: target.id });
    expect(await errorData(call)).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api.repositories.users.findById(target.id))!.disabledAt).not.toBeNull();
  });

  it('answers NOT_FOUND for an unknown id and BAD_REQUEST for a malformed one', async () => {
    const admin = await signup({ admin: true });
    const call = api.client(admin.accessToken).admin.enableUser.mutate({ userId: crypto.randomUUID() });
    expect(await errorData(call)).toMatchObject({ code: 'NOT_FOUND' });
    const response = await post(
      api,
      'admin.enableUser',
      { userId: 'not-a-uuid' },
      { authorization: `Bearer ${admin.accessToken}` },
    );
    expect(response.status).toBe(400);
  });
});

describe('admin.revokeSession and admin.userSessions', () => {
  it('ends one session of another user at once and leaves their others, audited with the admin', async () => {
    const admin = await signup({ admin: true });
    const me = await signup();
    const laptop = await login(me.username);
    const listed = await api.client(admin.accessToken).admin.userSessions.query({ userId: me.id });
    expect(listed.map((session) => session.id).sort()).toEqual(
      [me.sessionId, sessionIdOf(laptop.accessToken)].sort(),
    );

    await api
      .client(admin.accessToken)
      .admin.revokeSession.mutate({ userId: me.id, sessionId: me.sessionId });

    expect(await errorData(api.client(me.accessToken).auth.me.query())).toMatchObject({ reason: 'REVOKED' });
    expect(
      await errorData(api.client().auth.refresh.mutate({ refreshToken: me.refreshToken })),
    ).toMatchObject({
      reason: 'REVOKED',
    });
    expect(await api.client(laptop.accessToken).auth.me.query()).toMatchObject({ id: me.id });
    expect(await auditTypes(me.id)).toContain('session.revoked.by-admin');
    const events = await api.repositories.audit.listForUser(me.id, { limit: 100 });
    expect(events.find((event) => event.type === 'session.revoked.by-admin')).toMatchObject({
      sessionId: me.sessionId,
      detail: { by: admin.id },
    });
  });

  it('is FORBIDDEN to a non-admin, and the session stays live', async () => {
    const attacker = await signup();
    const victim = await signup();
    const client = api.client(attacker.accessToken);
    const revoke = client.admin.revokeSession.mutate({ userId: victim.id, sessionId: victim.sessionId });
    expect(await errorData(revoke)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorData(client.admin.userSessions.query({ userId: victim.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await errorData(client.auth.revokeSession.mutate({ sessionId: victim.sessionId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await api.client(victim.accessToken).auth.me.query()).toMatchObject({ id: victim.id });
  });

  it('answers NOT_FOUND for an unknown session, a session of another user, or one already ended', async () => {
    const admin = await signup({ admin: true });
    const me = await signup();
    const other = await signup();
    const revoke = (userId: string, sessionId: string) =>
      errorData(api.client(admin.accessToken).admin.revokeSession.mutate({ userId, sessionId }));
    expect(await revoke(me.id, crypto.randomUUID())).toMatchObject({ code: 'NOT_FOUND' });
    expect(await revoke(me.id, other.sessionId)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.client(other.accessToken).auth.me.query()).toMatchObject({ id: other.id });
    await api.client(me.accessToken).auth.logout.mutate();
    expect(await revoke(me.id, me.sessionId)).toMatchObject({ code: 'NOT_FOUND' });
    const unknownUser = api
      .client(admin.accessToken)
      .admin.userSessions.query({ userId: crypto.randomUUID() });
    expect(await errorData(unknownUser)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an admin acting on their own account or session (SELF_TARGET)', async () => {
    const admin = await signup({ admin: true });
    const client = api.client(admin.accessToken);
    expect(
      await errorData(client.admin.revokeSession.mutate({ userId: admin.id, sessionId: admin.sessionId })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'SELF_TARGET' });
    expect(await errorData(client.admin.disableUser.mutate({ userId: admin.id }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SELF_TARGET',
    });
    expect(await client.auth.me.query()).toMatchObject({ id: admin.id });
    expect((await api.repositories.users.findById(admin.id))!.disabledAt).toBeNull();
  });
});
