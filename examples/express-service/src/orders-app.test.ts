// The Express example against a real API (the API's test harness: a real server over a real database) and
// over real HTTP: what a user of the service sees when they log in, log out, and when the API goes away.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GOOD_PASSWORD,
  TestClock,
  generateServiceClient,
  startTestApi,
  uniqueUsername,
  type TestApi,
} from '@latchkey/api/testing';
import { createVerifier, type Verifier } from '@latchkey/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersApp } from './orders-app.js';

const client = { id: 'orders', ...generateServiceClient('orders') };

interface RunningService {
  url: string;
  verifier: Verifier;
  clock: TestClock;
  close(): Promise<void>;
}

async function startService(api: TestApi): Promise<RunningService> {
  const clock = new TestClock();
  const verifier = createVerifier({
    apiUrl: api.url,
    issuer: 'latchkey',
    audience: 'latchkey-api',
    serviceClient: { id: client.id, secret: client.secret },
    now: clock.now,
  });
  await verifier.start();
  const server: Server = await new Promise((resolve) => {
    const listening = createOrdersApp(verifier).listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    verifier,
    clock,
    async close() {
      await verifier.stop();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

async function signup(api: TestApi): Promise<string> {
  const session = await api
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  return session.accessToken;
}

const mine = (service: RunningService, accessToken?: string): Promise<Response> =>
  fetch(`${service.url}/orders/mine`, {
    headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` },
  });

/** Polls until the service answers `status`; fails once `withinMs` pass (a correctness bound, not a speed test). */
async function untilStatus(
  request: () => Promise<Response>,
  status: number,
  withinMs: number,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await request();
    await response.body?.cancel();
    if (response.status === status) return;
    if (Date.now() > deadline) throw new Error(`still HTTP ${response.status} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let dataDir: string;
let api: TestApi;
let service: RunningService;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-express-example-'));
  // No JWT_SECRET: the API signs with an EdDSA key set it generates in dataDir, and publishes its public key.
  api = await startTestApi({
    env: { JWT_SECRET: '', LATCHKEY_DATA_DIR: dataDir, SERVICE_CLIENTS: client.entry },
  });
  service = await startService(api);
});
afterAll(async () => {
  await service.close();
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Express orders service', () => {
  it('serves a user with a Latchkey access token', async () => {
    const accessToken = await signup(api);
    const response = await mine(service, accessToken);
    expect(response.status).toBe(200);
    const me = await api.client(accessToken).auth.me.query();
    expect(await response.json()).toEqual({ userId: me.id, role: 'user', orders: [] });
  });

  it('refuses a token logged out on the API within 1 s', async () => {
    const accessToken = await signup(api);
    expect((await mine(service, accessToken)).status).toBe(200);
    await api.client(accessToken).auth.logout.mutate();
    await untilStatus(() => mine(service, accessToken), 401, 1000);
    const refused = await mine(service, accessToken);
    expect(await refused.json()).toEqual({ error: 'invalid_token', reason: 'SESSION_REVOKED' });
  });

  it('refuses every session of a user who logged out everywhere within 1 s', async () => {
    const username = uniqueUsername();
    const first = await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const second = await api.client().auth.login.mutate({ username, password: GOOD_PASSWORD });
    await api.client(first.accessToken).auth.logoutAll.mutate();
    await untilStatus(() => mine(service, second.accessToken), 401, 1000);
  });

  it('answers 401 with a Bearer challenge for a missing or forged token', async () => {
    const missing = await mine(service);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="latchkey"');
    expect(await missing.json()).toEqual({ error: 'unauthorized', reason: 'TOKEN_MISSING' });
    const forged = await mine(service, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses to start when the API refuses its service credentials', async () => {
    const verifier = createVerifier({
      apiUrl: api.url,
      issuer: 'latchkey',
      audience: 'latchkey-api',
      serviceClient: { id: client.id, secret: 'not-the-secret' },
    });
    await expect(verifier.start()).rejects.toMatchObject({ code: 'UNAVAILABLE', detail: 'FEED_NOT_SYNCED' });
  });

  it('fails closed with 503 once it has not heard from the API for longer than the staleness bound', async () => {
    const ownApi = await startTestApi({
      env: { JWT_SECRET: '', LATCHKEY_DATA_DIR: dataDir, SERVICE_CLIENTS: client.entry },
    });
    const ownService = await startService(ownApi);
    try {
      const accessToken = await signup(ownApi);
      expect((await mine(ownService, accessToken)).status).toBe(200);
      await ownApi.close();
      // Within the bound the service keeps serving what it knows; past it, it cannot know of a logout.
      expect((await mine(ownService, accessToken)).status).toBe(200);
      ownService.clock.advance(31);
      const refused = await mine(ownService, accessToken);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ error: 'temporarily_unavailable', reason: 'UNAVAILABLE' });
    } finally {
      await ownService.close();
    }
  });
});
