// The client against a real API server (in-process, ephemeral port, fresh database) over the body transport,
// as a Node program uses it. Refreshes are counted through the fetch the client is given.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLatchkeyClient, createMemoryTokenStore, describeApiError } from '../src/index.js';
import type { LatchkeyClient, LatchkeyClientOptions, LockManagerLike } from '../src/index.js';
import { inProcessLocks } from '../src/testing/in-process-locks.js';
import { countingFetch, startTestApi } from './api-server.js';
import type { TestApi } from './api-server.js';

const PASSWORD = 'plum-orbit-cascade-71';
const TEN_MINUTES_MS = 600_000;

let api: TestApi;
const clients: LatchkeyClient[] = [];

beforeAll(async () => {
  api = await startTestApi({ accessTokenTtlSeconds: 60 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  api.setClockOffsetSeconds(0);
  for (const client of clients.splice(0)) client.dispose();
});

afterAll(async () => {
  await api.close();
});

function newClient(options: Partial<LatchkeyClientOptions> = {}): {
  client: LatchkeyClient;
  count: (procedure: string) => number;
} {
  const counter = countingFetch();
  const client = createLatchkeyClient({
    url: api.trpcUrl,
    transport: 'body',
    fetch: counter.fetch,
    batch: false,
    ...options,
  });
  clients.push(client);
  return { client, count: counter.count };
}

function username(): string {
  return `user-${randomUUID().slice(0, 8)}`;
}

async function signedIn(options: Partial<LatchkeyClientOptions> = {}) {
  const harness = newClient(options);
  const name = username();
  await harness.client.signup({ username: name, password: PASSWORD });
  return { ...harness, name };
}

describe('signing in from Node', () => {
  it('signs up, keeps the refresh token in its store, and calls protected procedures', async () => {
    const { client, name } = await signedIn();
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { username: name } });
    expect(client.store.read()?.refreshToken).toMatch(/.+/);
    await client.api.tasks.create.mutate({ title: 'write the report' });
    await expect(client.api.tasks.list.query()).resolves.toMatchObject([
      { title: 'write the report', done: false },
    ]);
    expect((await client.me()).username).toBe(name);
  });

  it('lists its sessions, each with the address it signed in from and the one it was last used from', async () => {
    const { client } = await signedIn();
    const sessions = await client.api.auth.sessions.query();
    const loopback = /^(::ffff:)?127\.0\.0\.1$/;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.current).toBe(true);
    expect(sessions[0]?.signedInFrom).toMatch(loopback);
    expect(sessions[0]?.lastUsedFrom).toMatch(loopback);
  });

  it('reports wrong credentials with the CREDENTIALS reason and stays anonymous', async () => {
    const { client } = newClient();
    const name = username();
    await newClient().client.signup({ username: name, password: PASSWORD });
    const error = await client
      .login({ username: name, password: 'not-the-password-1' })
      .catch((caught: unknown) => caught);
    expect(describeApiError(error)).toMatchObject({ code: 'UNAUTHORIZED', reason: 'CREDENTIALS' });
    expect(client.store.read()).toBeNull();
  });

  it('restores a session in a new process from the stored refresh token alone', async () => {
    const { client, name } = await signedIn();
    const stored = client.store.read();
    const store = createMemoryTokenStore();
    // What a CLI would persist between runs: the refresh token (the access token may be long gone).
    store.write({ ...stored!, accessToken: 'x.y.z', accessTokenExpiresAt: 0 });
    const { client: later, count } = newClient({ store });
    await expect(later.restore()).resolves.toMatchObject({
      status: 'authenticated',
      user: { username: name },
    });
    expect(count('auth.refresh')).toBe(1);
    expect(later.store.read()?.refreshToken).not.toBe(stored!.refreshToken);
  });

  it('restores to anonymous (none) when nothing is stored, without calling the API', async () => {
    const { client, count } = newClient();
    await expect(client.restore()).resolves.toEqual({ status: 'anonymous', reason: 'none' });
    expect(count('auth.refresh')).toBe(0);
  });
});

describe('refreshing', () => {
  it('makes exactly one refresh for 20 concurrent calls holding a token it knows is expired', async () => {
    let clientOffsetMs = 0;
    const { client, count } = await signedIn({ now: () => Date.now() + clientOffsetMs });
    const before = client.store.read()!.accessToken;
    clientOffsetMs = TEN_MINUTES_MS;
    const results = await Promise.all(Array.from({ length: 20 }, () => client.api.tasks.list.query()));
    expect(results).toHaveLength(20);
    expect(count('auth.refresh')).toBe(1);
    expect(count('tasks.list')).toBe(20);
    expect(client.store.read()!.accessToken).not.toBe(before);
  });

  it('makes exactly one refresh when 20 concurrent calls are rejected as EXPIRED, and retries each once', async () => {
    const { client, count } = await signedIn();
    // The server's clock is ahead: the token the client believes valid is expired there.
    api.setClockOffsetSeconds(3600);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.api.tasks.list.query()));
    expect(results).toHaveLength(20);
    expect(count('auth.refresh')).toBe(1);
    expect(count('tasks.list')).toBe(40);
    expect(client.getState().status).toBe('authenticated');
  });

  it('batches: 20 calls in batches rejected as EXPIRED cause one refresh, and each call is retried once', async () => {
    const { client, count } = await signedIn({ batch: true });
    api.setClockOffsetSeconds(3600);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.api.tasks.list.query()));
    expect(results).toHaveLength(20);
    expect(count('auth.refresh')).toBe(1);
    // Each call is counted once per request it rode in (batches of at most the API's 16): 20, then 20 retried.
    expect(count('tasks.list')).toBe(40);
  });

  it('retries an expired call once and passes the second EXPIRED to the caller: it never loops', async () => {
    const { count } = await signedIn();
    const separateApi = await startTestApi({ accessTokenTtlSeconds: 60 });
    try {
      const { client: other, count: otherCount } = newClient({ url: separateApi.trpcUrl });
      await other.signup({ username: username(), password: PASSWORD });
      separateApi.makeEveryTokenExpired();
      const error = await other.api.tasks.list.query().catch((caught: unknown) => caught);
      expect(describeApiError(error)).toMatchObject({ code: 'UNAUTHORIZED', reason: 'EXPIRED' });
      expect(otherCount('auth.refresh')).toBe(1);
      expect(otherCount('tasks.list')).toBe(2);
      // The refresh itself succeeded, so the session is still there for a later call.
      expect(other.getState().status).toBe('authenticated');
    } finally {
      await separateApi.close();
    }
    expect(count('auth.refresh')).toBe(0);
  });

  it('does not retry a refresh the server refuses: one attempt, then anonymous', async () => {
    let clientOffsetMs = 0;
    const { client, count, name } = await signedIn({ now: () => Date.now() + clientOffsetMs });
    // The refresh token is revoked elsewhere (logout everywhere from another device).
    const elsewhere = newClient().client;
    await elsewhere.login({ username: name, password: PASSWORD });
    await elsewhere.logoutAll();
    clientOffsetMs = TEN_MINUTES_MS;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.api.tasks.list.query()));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(count('auth.refresh')).toBe(1);
    expect(count('tasks.list')).toBe(0);
    expect(client.getState()).toEqual({ status: 'anonymous', reason: 'revoked' });
    expect(client.store.read()).toBeNull();
    // A later call does not try again: there is nothing left to refresh with.
    await expect(client.api.tasks.list.query()).rejects.toThrow();
    expect(count('auth.refresh')).toBe(1);
  });

  it('keeps the session through an unreachable API: the refresh fails once and nothing is cleared', async () => {
    const separateApi = await startTestApi({ accessTokenTtlSeconds: 60 });
    let clientOffsetMs = 0;
    const { client, count } = newClient({ url: separateApi.trpcUrl, now: () => Date.now() + clientOffsetMs });
    await client.signup({ username: username(), password: PASSWORD });
    await separateApi.close();
    clientOffsetMs = TEN_MINUTES_MS;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.api.tasks.list.query()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
    expect(count('auth.refresh')).toBe(1);
    expect(client.getState().status).toBe('authenticated');
    expect(client.store.read()?.refreshToken).toMatch(/.+/);
  });
});

describe('ending sessions', () => {
  it('reports anonymous (revoked) when the session was revoked from another device, without refreshing', async () => {
    const { client, count, name } = await signedIn();
    const elsewhere = newClient().client;
    await elsewhere.login({ username: name, password: PASSWORD });
    const sessions = await elsewhere.api.auth.sessions.query();
    const target = sessions.find((session) => !session.current)!;
    await elsewhere.api.auth.revokeSession.mutate({ sessionId: target.id });
    const seen: string[] = [];
    client.onAuthStateChange((state) =>
      seen.push(state.status === 'anonymous' ? `anonymous:${state.reason}` : state.status),
    );
    const error = await client.api.tasks.list.query().catch((caught: unknown) => caught);
    expect(describeApiError(error)).toMatchObject({ code: 'UNAUTHORIZED', reason: 'REVOKED' });
    expect(seen).toEqual(['anonymous:revoked']);
    expect(client.store.read()).toBeNull();
    expect(count('auth.refresh')).toBe(0);
  });

  it('logs out on the server: the old refresh token no longer works', async () => {
    const { client } = await signedIn();
    const refreshToken = client.store.read()!.refreshToken!;
    await expect(client.logout()).resolves.toEqual({ revokedOnServer: true });
    expect(client.getState()).toEqual({ status: 'anonymous', reason: 'logged-out' });
    expect(client.store.read()).toBeNull();
    const { client: thief } = newClient();
    const store = thief.store;
    store.write({
      accessToken: 'x.y.z',
      accessTokenExpiresAt: 0,
      user: { id: randomUUID(), username: 'x', role: 'user', createdAt: '' },
      refreshToken,
    });
    await expect(thief.restore()).resolves.toEqual({ status: 'anonymous', reason: 'revoked' });
  });

  it('logs out with the API unreachable: clears the store but reports revokedOnServer false', async () => {
    const separateApi = await startTestApi({ accessTokenTtlSeconds: 60 });
    const { client } = newClient({ url: separateApi.trpcUrl });
    await client.signup({ username: username(), password: PASSWORD });
    await separateApi.close();
    await expect(client.logout()).resolves.toEqual({ revokedOnServer: false });
    expect(client.getState()).toEqual({ status: 'anonymous', reason: 'logged-out' });
    expect(client.store.read()).toBeNull();
  });

  it('changes the password and keeps this session on new tokens', async () => {
    const { client } = await signedIn();
    const before = client.store.read()!;
    await client.changePassword({ currentPassword: PASSWORD, newPassword: 'quartz-meadow-lantern-42' });
    const after = client.store.read()!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    await expect(client.api.tasks.list.query()).resolves.toEqual([]);
  });

  it('deletes the account: anonymous (account-deleted), and neither the old refresh token nor a login works', async () => {
    const { client, name } = await signedIn();
    const { refreshToken } = client.store.read()!;
    await client.deleteAccount({ password: PASSWORD });
    expect(client.getState()).toEqual({ status: 'anonymous', reason: 'account-deleted' });
    expect(client.store.read()).toBeNull();
    const replay = newClient().client.api.auth.refresh.mutate({ refreshToken, refreshTransport: 'body' });
    await expect(replay).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const login = newClient().client.login({ username: name, password: PASSWORD });
    expect(describeApiError(await login.catch((caught: unknown) => caught)).reason).toBe('CREDENTIALS');
  });

  it('keeps the session when the password to delete the account is wrong', async () => {
    const { client } = await signedIn();
    const error = await client
      .deleteAccount({ password: 'not-the-password-1' })
      .catch((caught: unknown) => caught);
    expect(describeApiError(error).reason).toBe('CREDENTIALS');
    expect(client.getState()).toMatchObject({ status: 'authenticated' });
    await expect(client.api.tasks.list.query()).resolves.toEqual([]);
  });
});

describe('several clients of one origin (BroadcastChannel)', () => {
  it('shares a login and a logout between clients on the same channel', async () => {
    const channelName = `tabs-${randomUUID()}`;
    const { client: tabA } = newClient({ tabSync: true, channelName });
    const { client: tabB } = newClient({ tabSync: true, channelName });
    const name = username();
    const tabBSignedIn = new Promise((resolve) => tabB.onAuthStateChange(resolve));
    await tabA.signup({ username: name, password: PASSWORD });
    await expect(tabBSignedIn).resolves.toMatchObject({ status: 'authenticated', user: { username: name } });
    // The other tab received the access token, never the refresh token.
    expect(tabB.store.read()).toMatchObject({ accessToken: tabA.store.read()!.accessToken });
    expect(tabB.store.read()!.refreshToken).toBeUndefined();
    await expect(tabB.api.tasks.list.query()).resolves.toEqual([]);
    const tabBSignedOut = new Promise((resolve) => tabB.onAuthStateChange(resolve));
    await tabA.logout();
    await expect(tabBSignedOut).resolves.toEqual({ status: 'anonymous', reason: 'logged-out' });
    expect(tabB.store.read()).toBeNull();
  });

  it('tells the other clients on the channel that the account was deleted', async () => {
    const channelName = `tabs-${randomUUID()}`;
    const { client: tabA } = newClient({ tabSync: true, channelName });
    const { client: tabB } = newClient({ tabSync: true, channelName });
    const tabBSignedIn = new Promise((resolve) => tabB.onAuthStateChange(resolve));
    await tabA.signup({ username: username(), password: PASSWORD });
    await tabBSignedIn;
    const tabBSignedOut = new Promise((resolve) => tabB.onAuthStateChange(resolve));
    await tabA.deleteAccount({ password: PASSWORD });
    await expect(tabBSignedOut).resolves.toEqual({ status: 'anonymous', reason: 'account-deleted' });
    expect(tabB.store.read()).toBeNull();
  });

  it('refreshes once for two clients sharing a lock: the second waits for the announced refresh and reuses it', async () => {
    const channelName = `tabs-${randomUUID()}`;
    let clientOffsetMs = 0;
    const now = (): number => Date.now() + clientOffsetMs;
    const locks = inProcessLocks();
    const tabA = newClient({ tabSync: true, channelName, locks, now });
    const tabB = newClient({ tabSync: true, channelName, locks, now });
    const tabBSignedIn = new Promise((resolve) => tabB.client.onAuthStateChange(resolve));
    await tabA.client.signup({ username: username(), password: PASSWORD });
    await tabBSignedIn;
    clientOffsetMs = TEN_MINUTES_MS;
    // Tab B never held a refresh token (it only heard about the session): if it refreshed itself, it
    // would fail. Both calls succeeding with one refresh in total is the proof of the hand-over.
    const [a, b] = await Promise.all([
      tabA.client.api.tasks.list.query(),
      tabB.client.api.tasks.list.query(),
    ]);
    expect(a).toEqual([]);
    expect(b).toEqual([]);
    expect(tabA.count('auth.refresh') + tabB.count('auth.refresh')).toBe(1);
    expect(tabB.client.store.read()!.accessToken).toBe(tabA.client.store.read()!.accessToken);
  });

  it('finds the lock at navigator.locks when given none, as in a browser: one refresh for two clients', async () => {
    // Node 20 has no Web Locks API: where the runtime offers none, the in-process stand-in takes its place
    // at navigator.locks. Nothing is passed as `locks`, so only the client's default can find it.
    const runtime = globalThis as { navigator?: { locks?: LockManagerLike } };
    if (runtime.navigator?.locks === undefined) vi.stubGlobal('navigator', { locks: inProcessLocks() });
    const channelName = `tabs-${randomUUID()}`;
    let clientOffsetMs = 0;
    const now = (): number => Date.now() + clientOffsetMs;
    const tabA = newClient({ tabSync: true, channelName, now });
    const tabB = newClient({ tabSync: true, channelName, now });
    const tabBSignedIn = new Promise((resolve) => tabB.client.onAuthStateChange(resolve));
    await tabA.client.signup({ username: username(), password: PASSWORD });
    await tabBSignedIn;
    clientOffsetMs = TEN_MINUTES_MS;
    const [a, b] = await Promise.all([
      tabA.client.api.tasks.list.query(),
      tabB.client.api.tasks.list.query(),
    ]);
    expect(a).toEqual([]);
    expect(b).toEqual([]);
    expect(tabA.count('auth.refresh') + tabB.count('auth.refresh')).toBe(1);
  });
});

describe('the device token (lock-out)', () => {
  // The API's production defaults for the counters a stranger can reach; TRUST_PROXY so each stranger's guess
  // comes from its own address, as a botnet's would.
  let lockoutApi: TestApi;
  beforeAll(async () => {
    lockoutApi = await startTestApi({
      accessTokenTtlSeconds: 60,
      env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '10/15m', RATE_LIMIT_LOGIN_PER_DEVICE: '3/15m', TRUST_PROXY: '1' },
    });
  });
  afterAll(() => lockoutApi.close());

  /** `count` wrong passwords for `name`, each from its own forwarded address; returns the HTTP statuses. */
  async function strangerGuesses(name: string, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < count; attempt += 1) {
      const response = await fetch(`${lockoutApi.trpcUrl}/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${attempt + 1}` },
        body: JSON.stringify({ username: name, password: `stranger guess number ${attempt}` }),
      });
      statuses.push(response.status);
    }
    return statuses;
  }

  it('logs in after strangers spent the lock-out when it logged in before; a client that never did is refused', async () => {
    const name = username();
    const { client: owner } = newClient({ url: lockoutApi.trpcUrl });
    await owner.signup({ username: name, password: PASSWORD });
    await owner.logout();
    // Typed as the user did, in other case: the API counts usernames case-insensitively.
    await owner.login({ username: name.toUpperCase(), password: PASSWORD });
    await owner.logout();
    expect(owner.store.readDeviceToken(name)).toMatch(/^lkd1\./);

    expect(await strangerGuesses(name, 11)).toEqual([...Array<number>(10).fill(401), 429]);

    await expect(owner.login({ username: name, password: PASSWORD })).resolves.toMatchObject({
      username: name,
    });
    const stranger = newClient({ url: lockoutApi.trpcUrl }).client;
    const refused = await stranger
      .login({ username: name, password: PASSWORD })
      .catch((caught: unknown) => caught);
    expect(describeApiError(refused)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(stranger.store.read()).toBeNull();
  });
});
