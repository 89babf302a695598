// A login racing a password change or a disable, and two changes racing, over real HTTP: the first request's
// password check is held (the real argon2 runs, only its answer waits) while the other side commits, so the
// race is hit every time.
import { createPasswordHasher } from '@latchkey/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldArgon2Engine } from '../testing/held-argon2-engine.js';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';

const NEW_PASSWORD = 'a brand new passphrase';

const engine = heldArgon2Engine();
let api: TestApi;
beforeAll(async () => {
  // The held verification keeps its argon2 slot until released, and the other side of each race needs argon2
  // meanwhile: a bound above the one held lets it run, as a verification that answers would have.
  api = await startTestApi({ passwords: createPasswordHasher({ engine, maxConcurrent: 4 }) });
});
afterAll(() => api.close());

async function signup(options: { admin?: boolean } = {}) {
  const username = uniqueUsername();
  const session = await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
  if (options.admin === true) await api.repositories.users.setRole(session.user.id, 'admin');
  const [sessionId] = await liveSessionIds(session.user.id);
  return { username, id: session.user.id, accessToken: session.accessToken, sessionId };
}

/** Starts a login whose password check answers only after `during` has run. */
async function loginAround(
  body: { username: string; password: string },
  during: () => Promise<unknown>,
): Promise<Response> {
  const held = engine.holdNextVerify();
  const login = post(api, 'auth.login', body);
  await held.started;
  try {
    await during();
  } finally {
    held.release();
  }
  return login;
}

async function liveSessionIds(userId: string): Promise<string[]> {
  const live = await api.repositories.sessions.listActiveForUser(userId, api.clock.now());
  return live.map((session) => session.id);
}

/** The error reason of a response; undefined for a success (which a failing test then shows as such). */
async function reasonOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as Partial<WireError>).error?.data.reason;
}

describe('a login racing a password change', () => {
  it('gets no session when the change commits while the old password is being checked', async () => {
    const owner = await signup();
    const login = await loginAround({ username: owner.username, password: GOOD_PASSWORD }, () =>
      api
        .client(owner.accessToken)
        .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expect(login.status).toBe(401);
    expect(await reasonOf(login)).toBe('CREDENTIALS');
    // Only the session that changed the password is left, and the audit trail says why the login failed.
    expect(await liveSessionIds(owner.id)).toEqual([owner.sessionId]);
    const events = await api.repositories.audit.listForUser(owner.id, { limit: 10 });
    expect(events.find((event) => event.type === 'login.failed')?.detail).toEqual({
      reason: 'changed-during-login',
    });
  });

  it('does not write the old password back when its hash needed an upgrade', async () => {
    const owner = await signup();
    const weak = createPasswordHasher({ memoryCostKiB: 8192, timeCost: 1 });
    await api.repositories.users.updatePasswordHash(owner.id, await weak.hash(GOOD_PASSWORD));
    const login = await loginAround({ username: owner.username, password: GOOD_PASSWORD }, () =>
      api
        .client(owner.accessToken)
        .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    const live = await liveSessionIds(owner.id);
    // The new password stands; the old one opens nothing.
    const oldPassword = await post(api, 'auth.login', { username: owner.username, password: GOOD_PASSWORD });
    const newPassword = await post(api, 'auth.login', { username: owner.username, password: NEW_PASSWORD });
    expect({
      login: login.status,
      live,
      oldPassword: oldPassword.status,
      newPassword: newPassword.status,
    }).toEqual({
      login: 401,
      live: [owner.sessionId],
      oldPassword: 401,
      newPassword: 200,
    });
  });

  it('is not refused because another login upgraded the hash meanwhile, and that upgrade is no change', async () => {
    const owner = await signup();
    const weak = createPasswordHasher({ memoryCostKiB: 8192, timeCost: 1 });
    await api.repositories.users.updatePasswordHash(owner.id, await weak.hash(GOOD_PASSWORD));
    const before = await api.repositories.users.findById(owner.id);
    const body = { username: owner.username, password: GOOD_PASSWORD };
    const held = await loginAround(body, async () => {
      expect((await post(api, 'auth.login', body)).status).toBe(200);
    });
    expect(held.status).toBe(200);
    const after = await api.repositories.users.findById(owner.id);
    expect(api.server.app.passwords.needsRehash(after!.passwordHash)).toBe(false);
    expect(after!.passwordChangedAt).toEqual(before!.passwordChangedAt);
    expect(await liveSessionIds(owner.id)).toHaveLength(3);
  });
});

describe('two password changes racing', () => {
  it('lets the first to commit win: the other is refused with CREDENTIALS and its session revoked', async () => {
    const owner = await signup();
    const second = await api
      .client()
      .auth.login.mutate({ username: owner.username, password: GOOD_PASSWORD });
    const [secondSessionId] = (await liveSessionIds(owner.id)).filter((id) => id !== owner.sessionId);
    const held = engine.holdNextVerify();
    const loser = post(
      api,
      'auth.changePassword',
      { currentPassword: GOOD_PASSWORD, newPassword: 'the losing passphrase' },
      { authorization: `Bearer ${owner.accessToken}` },
    );
    await held.started;
    try {
      await api
        .client(second.accessToken)
        .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD });
    } finally {
      held.release();
    }
    const lost = await loser;
    const live = await liveSessionIds(owner.id);
    const winning = await post(api, 'auth.login', { username: owner.username, password: NEW_PASSWORD });
    expect({
      loser: lost.status,
      reason: await reasonOf(lost),
      live,
      winningPasswordLogsIn: winning.status,
    }).toEqual({ loser: 401, reason: 'CREDENTIALS', live: [secondSessionId], winningPasswordLogsIn: 200 });
  });
});

describe('a login racing a disable', () => {
  it('gets no session and no working access token when the disable commits during the password check', async () => {
    const admin = await signup({ admin: true });
    const target = await signup();
    const login = await loginAround({ username: target.username, password: GOOD_PASSWORD }, () =>
      api.client(admin.accessToken).admin.disableUser.mutate({ userId: target.id }),
    );
    const signupToken = await fetch(`${api.trpcUrl}/auth.me`, {
      headers: { authorization: `Bearer ${target.accessToken}` },
    });
    expect({
      login: login.status,
      reason: await reasonOf(login),
      live: await liveSessionIds(target.id),
      signupToken: signupToken.status,
    }).toEqual({ login: 401, reason: 'CREDENTIALS', live: [], signupToken: 401 });
  });
});
