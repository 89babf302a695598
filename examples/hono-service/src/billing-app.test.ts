// The Hono example against a real API (the API's test harness: a real server over a real database) and over
// real HTTP, in both of the verifier's modes: the published JWKS with the revocation feed, and introspection,
// which is what a service does when the API signs with HS256 and publishes no key.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import {
  GOOD_PASSWORD,
  generateServiceClient,
  startTestApi,
  uniqueUsername,
  type TestApi,
} from '@latchkey/api/testing';
import { VerifierConfigError, createVerifier, type Verifier, type VerifierOptions } from '@latchkey/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingApp } from './billing-app.js';

const client = { id: 'billing', ...generateServiceClient('billing') };

interface RunningService {
  url: string;
  close(): Promise<void>;
}

function verifierFor(api: TestApi, options: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    apiUrl: api.url,
    issuer: 'latchkey',
    audience: 'latchkey-api',
    serviceClient: { id: client.id, secret: client.secret },
    ...options,
  });
}

async function startService(verifier: Verifier): Promise<RunningService> {
  await verifier.start();
  const server: ServerType = await new Promise((resolve) => {
    const listening = serve(
      { fetch: createBillingApp(verifier).fetch, port: 0, hostname: '127.0.0.1' },
      () => {
        resolve(listening);
      },
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await verifier.stop();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
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

const mine = (service: RunningService, accessToken: string): Promise<Response> =>
  fetch(`${service.url}/invoices/mine`, { headers: { authorization: `Bearer ${accessToken}` } });

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

describe('the Hono billing service, against an API with a published key set', () => {
  let dataDir: string;
  let api: TestApi;
  let service: RunningService;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-hono-example-'));
    api = await startTestApi({
      env: { JWT_SECRET: '', LATCHKEY_DATA_DIR: dataDir, SERVICE_CLIENTS: client.entry },
    });
    service = await startService(verifierFor(api));
  });
  afterAll(async () => {
    await service.close();
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a user with a Latchkey access token', async () => {
    const accessToken = await signup(api);
    const response = await mine(service, accessToken);
    expect(response.status).toBe(200);
    const me = await api.client(accessToken).auth.me.query();
    expect(await response.json()).toEqual({ userId: me.id, role: 'user', invoices: [] });
  });

  it('refuses a token logged out on the API within 1 s', async () => {
    const accessToken = await signup(api);
    expect((await mine(service, accessToken)).status).toBe(200);
    await api.client(accessToken).auth.logout.mutate();
    await untilStatus(() => mine(service, accessToken), 401, 1000);
    const refused = await mine(service, accessToken);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refused.json()).toEqual({ error: 'invalid_token', reason: 'SESSION_REVOKED' });
  });
});

describe('the Hono billing service, against an API on HS256', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The harness's default: a JWT_SECRET, so the API publishes an empty JWKS.
    api = await startTestApi({ env: { SERVICE_CLIENTS: client.entry } });
  });
  afterAll(() => api.close());

  it('refuses to start in jwks mode, naming introspection', async () => {
    const verifier = verifierFor(api);
    await expect(verifier.start()).rejects.toThrow(VerifierConfigError);
    await expect(verifier.start()).rejects.toThrow(/mode: "introspection"/);
  });

  it('serves by introspection, and refuses a logged-out token at once', async () => {
    const service = await startService(verifierFor(api, { mode: 'introspection' }));
    try {
      const accessToken = await signup(api);
      expect((await mine(service, accessToken)).status).toBe(200);
      await api.client(accessToken).auth.logout.mutate();
      const refused = await mine(service, accessToken);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: 'invalid_token', reason: 'TOKEN_INVALID' });
    } finally {
      await service.close();
    }
  });

  it('answers 503, not 200, while introspection cannot reach the API', async () => {
    const ownApi = await startTestApi({ env: { SERVICE_CLIENTS: client.entry } });
    const service = await startService(verifierFor(ownApi, { mode: 'introspection' }));
    try {
      const accessToken = await signup(ownApi);
      await ownApi.close();
      const refused = await mine(service, accessToken);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({ error: 'temporarily_unavailable', reason: 'UNAVAILABLE' });
    } finally {
      await service.close();
    }
  });

  it('answers 503 when its service secret is wrong, rather than trusting the token', async () => {
    const service = await startService(
      verifierFor(api, { mode: 'introspection', serviceClient: { id: client.id, secret: 'wrong' } }),
    );
    try {
      expect((await mine(service, await signup(api))).status).toBe(503);
    } finally {
      await service.close();
    }
  });
});
