// Races over real HTTP, with the outcome read back from the tables: parallel signups of one name, parallel
// refreshes of one token, and logout racing refresh. On PostgreSQL the requests truly overlap in the database;
// on PGlite they overlap in the server and the database serialises them.
import { refreshTokens, sessions } from '@latchkey/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../src/testing/test-api.js';
import { checkInvariants } from './support/invariants.js';
import { sessionIdOf } from './support/mixed-load.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

interface SessionAnswer {
  status: number;
  body: { result?: { data: { accessToken: string; refreshToken?: string } } } & Partial<WireError>;
}

async function answer(response: Promise<Response>): Promise<SessionAnswer> {
  const resolved = await response;
  return { status: resolved.status, body: (await resolved.json()) as SessionAnswer['body'] };
}

async function refreshRowsOf(
  sessionId: string,
): Promise<{ rotatedAt: Date | null; successorHash: string | null; tokenHash: string }[]> {
  const rows = await api.database.orm
    .select({
      tokenHash: refreshTokens.tokenHash,
      rotatedAt: refreshTokens.rotatedAt,
      successorHash: refreshTokens.successorHash,
      sessionId: refreshTokens.sessionId,
    })
    .from(refreshTokens);
  return rows.filter((row) => row.sessionId === sessionId);
}

async function sessionRow(sessionId: string): Promise<{ revokedAt: Date | null } | undefined> {
  const rows = await api.database.orm
    .select({ id: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions);
  return rows.find((row) => row.id === sessionId);
}

describe('races', () => {
  it('20 parallel signups of one name (in any letter case): one 200, 19 CONFLICT, one row', async () => {
    const name = uniqueUsername('race');
    const spellings = Array.from({ length: 20 }, (_, index) =>
      index % 2 === 0
        ? name
        : name.replace(/[a-z]/g, (letter, offset: number) =>
            offset % 3 === index % 3 ? letter.toUpperCase() : letter,
          ),
    );
    const answers = await Promise.all(
      spellings.map((username) => answer(post(api, 'auth.signup', { username, password: GOOD_PASSWORD }))),
    );
    const statuses = answers.map((entry) => entry.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(409)]);
    expect(
      answers
        .filter((entry) => entry.status === 409)
        .every((entry) => entry.body.error?.data.code === 'CONFLICT'),
    ).toBe(true);
    const rows = (await api.repositories.users.list()).filter(
      (user) => user.username.toLowerCase() === name.toLowerCase(),
    );
    expect(rows).toHaveLength(1);
  });

  it('10 parallel refreshes of one token: no 5xx, all carry the same successor, one live chain in the table', async () => {
    const signup = await api.client().auth.signup.mutate({
      username: uniqueUsername('race'),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    const sessionId = sessionIdOf(signup.accessToken);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        answer(post(api, 'auth.refresh', { refreshToken: signup.refreshToken })),
      ),
    );
    expect(answers.map((entry) => entry.status)).toEqual(Array<number>(10).fill(200));
    const successors = new Set(answers.map((entry) => entry.body.result?.data.refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    expect(successor).toMatch(/^lkr_/);
    expect(successor).not.toBe(signup.refreshToken);
    const rows = await refreshRowsOf(sessionId);
    // The presented token rotated once into exactly one successor, which is the only current row.
    expect(rows).toHaveLength(2);
    const current = rows.filter((row) => row.rotatedAt === null);
    expect(current).toHaveLength(1);
    expect(rows.find((row) => row.rotatedAt !== null)?.successorHash).toBe(current[0]!.tokenHash);
    expect((await sessionRow(sessionId))?.revokedAt).toBeNull();
    // And the chain goes on from that successor.
    expect((await post(api, 'auth.refresh', { refreshToken: successor })).status).toBe(200);
  });

  it('logout racing refresh always ends with the session revoked and every token of it refused (10 rounds)', async () => {
    const username = uniqueUsername('race');
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round += 1) {
      const login = await api
        .client()
        .auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
      const sessionId = sessionIdOf(login.accessToken);
      // Alternate which request leaves first, so both orders are exercised.
      const calls = [
        () => answer(post(api, 'auth.logout', { refreshToken: login.refreshToken })),
        () => answer(post(api, 'auth.refresh', { refreshToken: login.refreshToken })),
      ];
      const [logout, refresh] =
        round % 2 === 0
          ? await Promise.all([calls[0]!(), calls[1]!()])
          : await Promise.all([calls[1]!(), calls[0]!()]).then(([second, first]) => [first, second] as const);
      expect(logout.status).toBe(200);
      expect([200, 401]).toContain(refresh.status);
      outcomes.push(refresh.status === 200 ? 'refresh-first' : 'logout-first');
      expect((await sessionRow(sessionId))?.revokedAt).not.toBeNull();
      const tokens = [login.accessToken, refresh.body.result?.data.accessToken].filter(
        (token) => token !== undefined,
      );
      for (const token of tokens) {
        const me = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${token}` } });
        expect(((await me.json()) as WireError).error.data.reason).toBe('REVOKED');
      }
      const successor = refresh.body.result?.data.refreshToken;
      if (successor !== undefined) {
        const again = await answer(post(api, 'auth.refresh', { refreshToken: successor }));
        expect(again.body.error?.data.reason).toBe('REVOKED');
      }
    }
    expect(outcomes).toHaveLength(10);
    expect((await checkInvariants(api.database)).violations).toEqual([]);
  });
});
