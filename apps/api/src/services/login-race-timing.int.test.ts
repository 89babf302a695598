// The same races as login-race.int.test.ts, with nothing held: real argon2 at the production parameters, real
// HTTP, and the second request started at offsets spread across the login's argon2 window, many rounds. Each
// round counts survivors (a session still live, or an access token still answering) of the account after the
// change or the disable; the count must be zero. Nothing here asserts a duration: the window is measured once
// only to place the offsets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, post, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

const ROUNDS = 30;
const NEW_PASSWORD = 'a brand new passphrase';
const RACE_TIMEOUT_MS = 120_000;

let api: TestApi;
let admin: { accessToken: string };
/** How long a login and a password change take here (argon2, mostly), in milliseconds: medians of a few. */
let loginMs: number;
let changeMs: number;

async function medianMs(times: number, run: () => Promise<void>): Promise<number> {
  const durations: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const startedAt = performance.now();
    await run();
    durations.push(performance.now() - startedAt);
  }
  return durations.sort((a, b) => a - b)[Math.floor(times / 2)] ?? 0;
}

beforeAll(async () => {
  api = await startTestApi();
  const seed = await signup({ transport: 'cookie' });
  await api.repositories.users.setRole(seed.id, 'admin');
  admin = seed;
  // The first calls warm up the server (module loading, statement preparation); the medians skip them.
  loginMs = await medianMs(5, async () => {
    const login = await post(api, 'auth.login', { username: seed.username, password: GOOD_PASSWORD });
    expect(login.status).toBe(200);
  });
  changeMs = await medianMs(3, async () => {
    const owner = await signup({ transport: 'cookie' });
    expect((await changePassword(owner.accessToken)).status).toBe(200);
  });
});
afterAll(() => api.close());

function changePassword(accessToken: string): Promise<Response> {
  return post(
    api,
    'auth.changePassword',
    { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD },
    { authorization: `Bearer ${accessToken}` },
  );
}

async function signup(options: { transport: 'cookie' | 'body' }) {
  const username = uniqueUsername('race');
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: options.transport });
  const [own] = await api.repositories.sessions.listActiveForUser(session.user.id, api.clock.now());
  return {
    username,
    id: session.user.id,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    sessionId: own?.id,
  };
}

/** Round `round` of `ROUNDS`: a random offset inside the round's slice of [0, spanMs), so all of it is covered. */
function offsetMs(round: number, spanMs: number): number {
  return ((round + Math.random()) / ROUNDS) * spanMs;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What is left working of the account after the race, apart from `keepSessionId`. */
async function survivorsOf(
  userId: string,
  accessTokens: readonly (string | null)[],
  keepSessionId?: string,
): Promise<string[]> {
  const survivors: string[] = [];
  const live = await api.repositories.sessions.listActiveForUser(userId, api.clock.now());
  for (const session of live) {
    if (session.id !== keepSessionId) survivors.push(`live session ${session.id}`);
  }
  for (const token of accessTokens) {
    if (token === null) continue;
    const me = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    if (me.status === 200) survivors.push('an access token still answers auth.me');
  }
  return survivors;
}

async function accessTokenOf(response: Response): Promise<string | null> {
  if (response.status !== 200) return null;
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  return body.result.data.accessToken;
}

describe('racing with real timing', () => {
  it(
    `a login with the old password racing a password change leaves no survivor (${ROUNDS} rounds)`,
    async () => {
      const survivors: string[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const owner = await signup({ transport: 'cookie' });
        // The change verifies, then hashes, then writes at about `changeMs`: a login started between
        // `changeMs - loginMs` and `changeMs` after it is in the window. The offsets cover that and both sides.
        const change = changePassword(owner.accessToken);
        const offset = offsetMs(round, changeMs + loginMs);
        await delay(offset);
        const login = post(api, 'auth.login', { username: owner.username, password: GOOD_PASSWORD });
        const [changed, loggedIn] = await Promise.all([change, login]);
        expect(changed.status).toBe(200);
        const left = await survivorsOf(owner.id, [await accessTokenOf(loggedIn)], owner.sessionId);
        survivors.push(...left.map((what) => `round ${round} (+${offset.toFixed(0)} ms): ${what}`));
      }
      expect(survivors).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `a login racing a disable leaves no survivor (${ROUNDS} rounds)`,
    async () => {
      const survivors: string[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const target = await signup({ transport: 'cookie' });
        const login = post(api, 'auth.login', { username: target.username, password: GOOD_PASSWORD });
        const offset = offsetMs(round, 1.5 * loginMs);
        await delay(offset);
        const disabled = post(
          api,
          'admin.disableUser',
          { userId: target.id },
          { authorization: `Bearer ${admin.accessToken}` },
        );
        const [loggedIn, disable] = await Promise.all([login, disabled]);
        expect(disable.status).toBe(200);
        const left = await survivorsOf(target.id, [await accessTokenOf(loggedIn), target.accessToken]);
        survivors.push(...left.map((what) => `round ${round} (+${offset.toFixed(0)} ms): ${what}`));
      }
      expect(survivors).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `a refresh racing a disable leaves no live successor (${ROUNDS} rounds)`,
    async () => {
      const survivors: string[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const target = await signup({ transport: 'body' });
        // A rotation takes a few milliseconds, no argon2: a short span covers it.
        const refresh = post(api, 'auth.refresh', { refreshToken: target.refreshToken });
        const offset = offsetMs(round, 10);
        await delay(offset);
        const disabled = post(
          api,
          'admin.disableUser',
          { userId: target.id },
          { authorization: `Bearer ${admin.accessToken}` },
        );
        const [refreshed, disable] = await Promise.all([refresh, disabled]);
        expect(disable.status).toBe(200);
        const successor =
          refreshed.status === 200
            ? (
                (await refreshed.json()) as {
                  result: { data: { accessToken: string; refreshToken: string } };
                }
              ).result.data
            : null;
        const left = await survivorsOf(target.id, [successor?.accessToken ?? null, target.accessToken]);
        if (successor !== null) {
          const again = await post(api, 'auth.refresh', { refreshToken: successor.refreshToken });
          if (again.status === 200) left.push('the successor refresh token still refreshes');
        }
        survivors.push(...left.map((what) => `round ${round} (+${offset.toFixed(1)} ms): ${what}`));
      }
      expect(survivors).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});
