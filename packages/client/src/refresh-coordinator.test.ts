import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRefreshCoordinator } from './refresh-coordinator.js';
import type { StoredSession } from './session.js';
import { inProcessLocks } from './testing/in-process-locks.js';

const user = {
  id: 'u1',
  username: 'ada',
  role: 'user',
  createdAt: '2026-11-22T00:00:00.000Z',
} as StoredSession['user'];

function sessionWith(accessToken: string): StoredSession {
  return { accessToken, accessTokenExpiresAt: Number.MAX_SAFE_INTEGER, user };
}

/** A shared "storage" and a counting refresh that rotates tokens, as the API does. */
function harness() {
  let current: StoredSession | null = sessionWith('token-0');
  let refreshes = 0;
  let failNext = false;
  const refresh = async (): Promise<StoredSession> => {
    refreshes += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (failNext) {
      failNext = false;
      throw new Error('refresh rejected');
    }
    current = sessionWith(`token-${refreshes}`);
    return current;
  };
  return {
    refresh,
    current: () => current,
    // token-0 plays the expired token; every rotated one is usable.
    isUsable: (session: StoredSession) => session.accessToken !== 'token-0',
    refreshes: () => refreshes,
    failNextRefresh: () => {
      failNext = true;
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('refresh coordinator', () => {
  it('makes one refresh for 20 concurrent callers and gives them all the new session', async () => {
    const h = harness();
    const coordinator = createRefreshCoordinator({ ...h, locks: null });
    const results = await Promise.all(Array.from({ length: 20 }, () => coordinator.refresh('token-0')));
    expect(h.refreshes()).toBe(1);
    expect(new Set(results.map((session) => session.accessToken))).toEqual(new Set(['token-1']));
  });

  it('does not refresh when the caller holds an old token but a usable new one is already stored', async () => {
    const h = harness();
    const coordinator = createRefreshCoordinator({ ...h, locks: null });
    await coordinator.refresh('token-0');
    const again = await coordinator.refresh('token-0');
    expect(again.accessToken).toBe('token-1');
    expect(h.refreshes()).toBe(1);
  });

  it('refreshes again once the flight is over and the new token went stale too', async () => {
    const h = harness();
    const coordinator = createRefreshCoordinator({ ...h, locks: null });
    await coordinator.refresh('token-0');
    const next = await coordinator.refresh('token-1');
    expect(next.accessToken).toBe('token-2');
    expect(h.refreshes()).toBe(2);
  });

  it('rejects every waiter of a failed refresh with its error and lets the next caller try afresh', async () => {
    const h = harness();
    const coordinator = createRefreshCoordinator({ ...h, locks: null });
    h.failNextRefresh();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => coordinator.refresh('token-0')),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(h.refreshes()).toBe(1);
    await expect(coordinator.refresh('token-0')).resolves.toMatchObject({ accessToken: 'token-2' });
  });

  it('makes one refresh for two tabs sharing a lock: the second reuses the token the first stored', async () => {
    const h = harness();
    const locks = inProcessLocks();
    const tabA = createRefreshCoordinator({ ...h, locks });
    const tabB = createRefreshCoordinator({ ...h, locks });
    const [a, b] = await Promise.all([tabA.refresh('token-0'), tabB.refresh('token-0')]);
    expect(h.refreshes()).toBe(1);
    expect(a.accessToken).toBe('token-1');
    expect(b.accessToken).toBe('token-1');
    expect(locks.held()).toBe(false);
  });

  it('takes the lock manager at navigator.locks when none is given, as in a browser', async () => {
    // Node has no navigator.locks; the stand-in plays the browser's, and is passed to neither coordinator.
    const locks = inProcessLocks();
    vi.stubGlobal('navigator', { locks });
    const h = harness();
    const tabA = createRefreshCoordinator({ refresh: h.refresh, current: h.current, isUsable: h.isUsable });
    const tabB = createRefreshCoordinator({ refresh: h.refresh, current: h.current, isUsable: h.isUsable });
    const [a, b] = await Promise.all([tabA.refresh('token-0'), tabB.refresh('token-0')]);
    expect(h.refreshes()).toBe(1);
    expect(b.accessToken).toBe(a.accessToken);
  });

  it('waits for a refresh another tab announced when its token message is late, and reuses that token', async () => {
    // Two tabs with their own memory stores; the token reaches the second tab 50 ms after the lock is free,
    // as Chromium's BroadcastChannel can deliver after Web Locks hands the lock over.
    let refreshes = 0;
    const stores: [StoredSession | null, StoredSession | null] = [
      sessionWith('token-0'),
      sessionWith('token-0'),
    ];
    let announced: (() => void) | null = null;
    let settled: Promise<void> = Promise.resolve();
    const locks = inProcessLocks();
    const isUsable = (session: StoredSession): boolean => session.accessToken !== 'token-0';
    const tabA = createRefreshCoordinator({
      locks,
      isUsable,
      current: () => stores[0],
      refresh: async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        const fresh = sessionWith(`token-${refreshes}`);
        stores[0] = fresh;
        setTimeout(() => {
          stores[1] = fresh;
          announced?.();
        }, 50);
        return fresh;
      },
      announceRefreshStart: () => {
        settled = new Promise((resolve) => {
          announced = resolve;
        });
      },
    });
    const tabB = createRefreshCoordinator({
      locks,
      isUsable,
      current: () => stores[1],
      refresh: () => Promise.reject(new Error('the second tab must not refresh')),
      peerRefreshSettled: () => settled,
    });
    const [a, b] = await Promise.all([tabA.refresh('token-0'), tabB.refresh('token-0')]);
    expect(refreshes).toBe(1);
    expect(b.accessToken).toBe(a.accessToken);
  });

  it('releases the lock after a failed refresh, so the other tab can still refresh', async () => {
    const h = harness();
    const locks = inProcessLocks();
    const tabA = createRefreshCoordinator({ ...h, locks });
    const tabB = createRefreshCoordinator({ ...h, locks });
    h.failNextRefresh();
    const [a, b] = await Promise.allSettled([tabA.refresh('token-0'), tabB.refresh('token-0')]);
    expect(a.status).toBe('rejected');
    expect(b).toMatchObject({ status: 'fulfilled', value: { accessToken: 'token-2' } });
    expect(locks.held()).toBe(false);
  });

  it('abandons a lock wait on dispose (a StrictMode unmount) and refuses later calls', async () => {
    const h = harness();
    const locks = inProcessLocks();
    const holder = createRefreshCoordinator({ ...h, locks });
    const unmounted = createRefreshCoordinator({ ...h, locks });
    const holding = holder.refresh('token-0');
    const waiting = unmounted.refresh('token-0');
    unmounted.dispose();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await holding;
    expect(locks.held()).toBe(false);
    expect(h.refreshes()).toBe(1);
    await expect(unmounted.refresh('token-1')).rejects.toThrow('The Latchkey client was disposed');
  });
});
