// GET /revocations over real HTTP: the window, the cursor, the held poll woken by a revocation on this or
// another instance, resuming after a disconnect, and the bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServiceClient } from '../services/service-client.js';
import { GOOD_PASSWORD, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';
import { MAX_HELD_POLLS_PER_CLIENT } from './revocation-feed.js';

const orders = { id: 'orders', ...generateServiceClient('orders') };
const authorization = `Basic ${Buffer.from(`${orders.id}:${orders.secret}`).toString('base64')}`;

interface FeedAnswer {
  cursor: string;
  retentionSeconds: number;
  revoked: { sessionId: string; revokedAt: string }[];
}

async function feed(
  api: TestApi,
  query: Record<string, string> = {},
  headers: Record<string, string> = { authorization },
): Promise<Response> {
  return fetch(`${api.url}/revocations?${new URLSearchParams(query).toString()}`, { headers });
}

async function feedAnswer(api: TestApi, query: Record<string, string> = {}): Promise<FeedAnswer> {
  const response = await feed(api, query);
  expect(response.status).toBe(200);
  return (await response.json()) as FeedAnswer;
}

async function signup(api: TestApi): Promise<{ accessToken: string; sessionId: string }> {
  const session = await api
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  const verified = await api.server.app.accessTokens.verify(session.accessToken);
  return { accessToken: session.accessToken, sessionId: verified.sessionId };
}

const ids = (answer: FeedAnswer): string[] => answer.revoked.map((row) => row.sessionId);

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { SERVICE_CLIENTS: orders.entry } });
});
afterAll(() => api.close());

describe('GET /revocations', () => {
  it('starts with the sessions revoked within the retention, and the retention itself', async () => {
    const { accessToken, sessionId } = await signup(api);
    await api.client(accessToken).auth.logout.mutate();
    const answer = await feedAnswer(api);
    expect(ids(answer)).toContain(sessionId);
    expect(answer.cursor).toMatch(/^\d+$/);
    // ACCESS_TOKEN_TTL (900 s by default) plus the 30 s of clock tolerance.
    expect(answer.retentionSeconds).toBe(930);
  });

  it('lists no revocation older than the retention: its tokens have all expired', async () => {
    const { accessToken, sessionId } = await signup(api);
    await api.client(accessToken).auth.logout.mutate();
    api.clock.advance(931);
    try {
      expect(ids(await feedAnswer(api))).not.toContain(sessionId);
    } finally {
      api.clock.advance(-931);
    }
  });

  it('answers a held poll as soon as a session is logged out, with that session', async () => {
    const { accessToken, sessionId } = await signup(api);
    const { cursor } = await feedAnswer(api);
    const held = feedAnswer(api, { cursor, wait: '25' });
    // The hold is 25 s; the test's own timeout (20 s) fails it if the logout does not end the hold.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await api.client(accessToken).auth.logout.mutate();
    const answer = await held;
    expect(ids(answer)).toContain(sessionId);
    expect(answer.cursor).not.toBe('');
  });

  it('misses nothing revoked while the follower was away: the old cursor brings it', async () => {
    const first = await signup(api);
    const second = await signup(api);
    const { cursor } = await feedAnswer(api);
    await api.client(first.accessToken).auth.logout.mutate();
    await api.client(second.accessToken).auth.logout.mutate();
    const answer = await feedAnswer(api, { cursor });
    expect(ids(answer)).toEqual(expect.arrayContaining([first.sessionId, second.sessionId]));
    // And the cursor it gives moves past them.
    expect(ids(await feedAnswer(api, { cursor: answer.cursor }))).not.toContain(first.sessionId);
  });

  it('wakes a poll held on one instance for a logout on another', async () => {
    const other = await startTestApi({ database: api.database, env: { SERVICE_CLIENTS: orders.entry } });
    try {
      const { accessToken, sessionId } = await signup(other);
      const { cursor } = await feedAnswer(api);
      const held = feedAnswer(api, { cursor, wait: '25' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.client(accessToken).auth.logout.mutate();
      expect(ids(await held)).toContain(sessionId);
    } finally {
      await other.close();
    }
  });

  it(`holds at most ${MAX_HELD_POLLS_PER_CLIENT} polls per client, and answers the next at once`, async () => {
    const { cursor } = await feedAnswer(api);
    const held = Array.from({ length: MAX_HELD_POLLS_PER_CLIENT }, () =>
      feedAnswer(api, { cursor, wait: '25' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Answered without a hold: the test would time out (20 s) waiting 25 s otherwise.
    expect((await feedAnswer(api, { cursor, wait: '25' })).revoked).toEqual([]);
    const { accessToken } = await signup(api);
    await api.client(accessToken).auth.logout.mutate();
    await Promise.all(held);
  });

  it.each([
    ['a cursor that is no number', { cursor: 'abc' }],
    ['a negative wait', { wait: '-1' }],
    ['a wait that is no number', { wait: '1e3' }],
    ['a cursor with a NUL byte', { cursor: '12\u0000' }],
  ])('refuses %s with 400 invalid_request', async (_name, query) => {
    const response = await feed(api, query);
    expect(response.status).toBe(400);
    expect(await response.json()).toStrictEqual({ error: 'invalid_request' });
  });

  it('refuses a caller without service credentials, and a POST', async () => {
    const stranger = await feed(api, {}, {});
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toStrictEqual({ error: 'invalid_client' });
    const wrong = await feed(
      api,
      {},
      { authorization: `Basic ${Buffer.from('orders:nope').toString('base64')}` },
    );
    expect(wrong.status).toBe(401);
    const post = await fetch(`${api.url}/revocations`, { method: 'POST', headers: { authorization } });
    expect(post.status).toBe(405);
  });
});
