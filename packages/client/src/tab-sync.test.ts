import { afterEach, describe, expect, it } from 'vitest';
import { createTabSync, parseTabMessage } from './tab-sync.js';
import type { TabMessage, TabSync } from './tab-sync.js';

const user = { id: 'u1', username: 'ada', role: 'user', createdAt: '2026-11-22T00:00:00.000Z' };
const opened: TabSync[] = [];

function tab(channelName: string, received: TabMessage[]): TabSync {
  const sync = createTabSync({ channelName, onMessage: (message) => received.push(message) });
  opened.push(sync);
  return sync;
}

function delivered(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

afterEach(() => {
  for (const sync of opened.splice(0)) sync.dispose();
});

describe('tab sync (Node has a real BroadcastChannel)', () => {
  it('delivers a new session to the other tabs without the refresh token, and not to the sender', async () => {
    const a: TabMessage[] = [];
    const b: TabMessage[] = [];
    const tabA = tab('sync-1', a);
    tab('sync-1', b);
    tabA.announce({
      type: 'session',
      session: {
        accessToken: 'x.y.z',
        accessTokenExpiresAt: 10,
        user: user as never,
        refreshToken: 'never-shared',
      },
    });
    await delivered();
    expect(a).toEqual([]);
    expect(b).toEqual([
      { type: 'session', session: { accessToken: 'x.y.z', accessTokenExpiresAt: 10, user } },
    ]);
  });

  it('delivers a logout, and nothing after dispose', async () => {
    const b: TabMessage[] = [];
    const tabA = tab('sync-2', []);
    const tabB = tab('sync-2', b);
    tabA.announce({ type: 'ended', reason: 'logged-out' });
    await delivered();
    tabB.dispose();
    tabA.announce({ type: 'ended', reason: 'revoked' });
    await delivered();
    expect(b).toEqual([{ type: 'ended', reason: 'logged-out' }]);
  });
});

describe('parseTabMessage', () => {
  it.each([
    ['null', null],
    ['an unknown type', { type: 'steal' }],
    ['an unknown reason', { type: 'ended', reason: 'because' }],
    ['a session without a user', { type: 'session', session: { accessToken: 'a', accessTokenExpiresAt: 1 } }],
  ])('ignores %s', (_case, data) => {
    expect(parseTabMessage(data)).toBeNull();
  });
});
