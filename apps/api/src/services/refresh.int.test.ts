// Refresh-token rotation with reuse detection and the grace window, over real HTTP.
import { generateRefreshToken } from '@latchkey/auth';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';

const GRACE_SECONDS = 10;
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    env: { REFRESH_GRACE_SECONDS: String(GRACE_SECONDS), REFRESH_TOKEN_TTL: '1h' },
  });
});
afterAll(() => api.close());

async function signup() {
  const session = await api
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  return { session, accessToken: session.accessToken, refreshToken: session.refreshToken! };
}

async function reasonOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { reason?: string } | undefined)?.reason;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function refresh(refreshToken: string) {
  return api.client().auth.refresh.mutate({ refreshToken });
}

describe('rotation', () => {
  it('hands out a new refresh token on every use, in the body when the token came in the body', async () => {
    const { refreshToken, session } = await signup();
    const first = await refresh(refreshToken);
    const second = await refresh(first.refreshToken!);
    expect(new Set([refreshToken, first.refreshToken, second.refreshToken]).size).toBe(3);
    expect(second.user).toEqual(session.user);
    expect((await api.client(second.accessToken).auth.me.query()).id).toBe(session.user.id);
    const events = await api.client(second.accessToken).auth.auditEvents.query();
    expect(events.filter((event) => event.type === 'refresh')).toHaveLength(2);
  });

  it('slides the idle expiry: a session used within REFRESH_TOKEN_TTL lives on, an idle one expires', async () => {
    const { refreshToken } = await signup();
    api.clock.advance(40 * 60);
    const kept = await refresh(refreshToken);
    api.clock.advance(40 * 60);
    const keptAgain = await refresh(kept.refreshToken!);
    api.clock.advance(61 * 60);
    expect(await reasonOf(refresh(keptAgain.refreshToken!))).toBe('EXPIRED');
    api.clock.advance(-(141 * 60));
  });

  it('refuses an unknown or malformed refresh token with INVALID', async () => {
    expect(await reasonOf(refresh(generateRefreshToken().token))).toBe('INVALID');
    expect(await reasonOf(refresh('lkr_short'))).toBe('INVALID');
    expect(await reasonOf(api.client().auth.refresh.mutate({}))).toBe('MISSING');
  });

  it('refuses the refresh token of a disabled user with REVOKED', async () => {
    const { refreshToken, session } = await signup();
    await api.repositories.users.disable(session.user.id, { now: new Date(), reason: 'user-disabled' });
    expect(await reasonOf(refresh(refreshToken))).toBe('REVOKED');
  });
});

describe('reuse after the grace window', () => {
  it('revokes the session and every access token of it at once, and records refresh.reuse', async () => {
    const { refreshToken, accessToken, session } = await signup();
    const rotated = await refresh(refreshToken);
    api.clock.advance(GRACE_SECONDS + 1);
    try {
      expect(await reasonOf(refresh(refreshToken))).toBe('REVOKED');
      // The attacker's (or the victim's) newest tokens die with the session, on this request's heels.
      expect(await reasonOf(api.client(rotated.accessToken).auth.me.query())).toBe('REVOKED');
      expect(await reasonOf(api.client(accessToken).auth.me.query())).toBe('REVOKED');
      expect(await reasonOf(refresh(rotated.refreshToken!))).toBe('REVOKED');
      const events = await api.repositories.audit.listForUser(session.user.id, { limit: 10 });
      expect(events.map((event) => event.type)).toContain('refresh.reuse');
      expect(await api.repositories.sessions.listActiveForUser(session.user.id, api.clock.now())).toEqual([]);
    } finally {
      api.clock.advance(-(GRACE_SECONDS + 1));
    }
  });

  it('treats any earlier token of the chain as reuse, not only the previous one', async () => {
    const { refreshToken } = await signup();
    const first = await refresh(refreshToken);
    const second = await refresh(first.refreshToken!);
    api.clock.advance(GRACE_SECONDS + 1);
    try {
      expect(await reasonOf(refresh(refreshToken))).toBe('REVOKED');
      expect(await reasonOf(refresh(second.refreshToken!))).toBe('REVOKED');
    } finally {
      api.clock.advance(-(GRACE_SECONDS + 1));
    }
  });
});

describe('inside the grace window', () => {
  it('gives a client one step behind the current successor, not a second chain', async () => {
    const { refreshToken, session } = await signup();
    const winner = await refresh(refreshToken);
    api.clock.advance(GRACE_SECONDS - 2);
    try {
      const late = await refresh(refreshToken);
      expect(late.refreshToken).toBe(winner.refreshToken);
      expect((await api.client(late.accessToken).auth.me.query()).id).toBe(session.user.id);
      // The chain continues from that one successor, and the session is still alive.
      const next = await refresh(winner.refreshToken!);
      expect(next.refreshToken).not.toBe(winner.refreshToken);
      expect(
        await api.repositories.sessions.listActiveForUser(session.user.id, api.clock.now()),
      ).toHaveLength(1);
    } finally {
      api.clock.advance(-(GRACE_SECONDS - 2));
    }
  });

  it('lets concurrent refreshes of one token all succeed with the same successor', async () => {
    const { refreshToken, session } = await signup();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
    expect(new Set(results.map((result) => result.refreshToken)).size).toBe(1);
    const successor = results[0]!.refreshToken!;
    const next = await refresh(successor);
    expect(next.user.id).toBe(session.user.id);
    expect(await api.repositories.sessions.listActiveForUser(session.user.id, api.clock.now())).toHaveLength(
      1,
    );
  });

  it('still detects reuse of the old token once the successor has itself been rotated', async () => {
    const { refreshToken } = await signup();
    const first = await refresh(refreshToken);
    await refresh(first.refreshToken!);
    expect(await reasonOf(refresh(refreshToken))).toBe('REVOKED');
  });
});
