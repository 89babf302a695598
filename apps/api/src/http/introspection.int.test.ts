// POST /oauth/introspect over real HTTP: RFC 7662 answers, service-client authentication, the limits, and the
// attacker's view (no detail for an inactive token, no token or secret in a log line).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServiceClient } from '../services/service-client.js';
import {
  GOOD_PASSWORD,
  LogCapture,
  startTestApi,
  uniqueUsername,
  type TestApi,
} from '../testing/test-api.js';

const orders = { id: 'orders', ...generateServiceClient('orders') };
const billing = { id: 'billing', ...generateServiceClient('billing') };

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function introspect(
  api: TestApi,
  body: string,
  options: { authorization?: string; contentType?: string; method?: string } = {},
): Promise<Response> {
  return fetch(`${api.url}/oauth/introspect`, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      authorization: options.authorization ?? basic(orders.id, orders.secret),
    },
    ...(options.method === 'GET' ? {} : { body }),
  });
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

async function signup(api: TestApi): Promise<{ accessToken: string; userId: string; sessionId: string }> {
  const session = await api
    .client()
    .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
  const verified = await api.server.app.accessTokens.verify(session.accessToken);
  return { accessToken: session.accessToken, userId: verified.userId, sessionId: verified.sessionId };
}

let api: TestApi;
const log = new LogCapture();
beforeAll(async () => {
  api = await startTestApi({ env: { SERVICE_CLIENTS: `${orders.entry},${billing.entry}` }, log });
});
afterAll(() => api.close());

describe('POST /oauth/introspect', () => {
  it('answers an active token with its claims (RFC 7662 section 2.2)', async () => {
    const { accessToken, userId, sessionId } = await signup(api);
    const response = await introspect(api, form({ token: accessToken, token_type_hint: 'access_token' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      active: true,
      token_type: 'Bearer',
      iss: 'latchkey',
      aud: 'latchkey-api',
      sub: userId,
      sid: sessionId,
      role: 'user',
    });
    expect(typeof body.exp).toBe('number');
  });

  it('answers {"active":false} and nothing more once the session is logged out', async () => {
    const { accessToken } = await signup(api);
    await api.client(accessToken).auth.logout.mutate();
    const response = await introspect(api, form({ token: accessToken }));
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ active: false });
  });

  it('reads the database: a session revoked there without an announcement is inactive', async () => {
    const { accessToken, userId, sessionId } = await signup(api);
    await api.repositories.sessions.revoke({
      sessionId,
      userId,
      reason: 'revoked-by-admin',
      now: new Date(),
    });
    expect(api.server.app.revocations.isRevoked(sessionId)).toBe(false);
    expect(await (await introspect(api, form({ token: accessToken }))).json()).toStrictEqual({
      active: false,
    });
  });

  it('answers a disabled user’s token as inactive', async () => {
    const { accessToken, userId } = await signup(api);
    await api.repositories.users.disable(userId, { now: new Date(), reason: 'user-disabled' });
    expect(await (await introspect(api, form({ token: accessToken }))).json()).toStrictEqual({
      active: false,
    });
  });

  it.each([
    ['a malformed token', 'not.a.token'],
    ['a NUL byte', 'abc\u0000def'],
    ['a lone surrogate', '\uD800'],
    ['a token of 10,000 characters', 'x'.repeat(10_000)],
    ['a refresh token', 'lk_rt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  ])('answers %s as inactive, without a 500', async (_name, token) => {
    const response = await introspect(api, form({ token }));
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ active: false });
  });

  it.each([
    ['no token', form({ token_type_hint: 'access_token' })],
    ['an empty token', form({ token: '' })],
    ['two tokens', 'token=a&token=b'],
  ])('refuses a request with %s as invalid_request', async (_name, body) => {
    const response = await introspect(api, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toStrictEqual({ error: 'invalid_request' });
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413, unread', async () => {
    const response = await introspect(api, form({ token: 'x'.repeat(100_000) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toStrictEqual({ error: 'invalid_request' });
  });

  it('takes form-encoded bodies only, and POST only', async () => {
    const json = await introspect(api, JSON.stringify({ token: 'x' }), { contentType: 'application/json' });
    expect(json.status).toBe(415);
    const get = await introspect(api, '', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['no credentials', ''],
    ['a wrong secret', basic(orders.id, billing.secret)],
    ['an unknown client', basic('stranger', orders.secret)],
    ['a bearer token', 'Bearer abc'],
    ['a malformed escape', basic('%zz', orders.secret)],
  ])('refuses %s with 401 invalid_client, before reading the token', async (_name, authorization) => {
    const { accessToken } = await signup(api);
    const response = await introspect(api, form({ token: accessToken }), { authorization });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="latchkey"');
    expect(await response.json()).toStrictEqual({ error: 'invalid_client' });
  });

  it('accepts form-urlencoded credentials (RFC 6749 section 2.3.1)', async () => {
    const { accessToken } = await signup(api);
    const response = await introspect(api, form({ token: accessToken }), {
      authorization: basic(encodeURIComponent(billing.id), encodeURIComponent(billing.secret)),
    });
    expect(((await response.json()) as { active: boolean }).active).toBe(true);
  });

  it('writes no token and no secret into a log line', async () => {
    const { accessToken } = await signup(api);
    await introspect(api, form({ token: accessToken }));
    await introspect(api, form({ token: accessToken }), {
      authorization: basic(orders.id, 'guessed-secret'),
    });
    expect(log.text).toContain('/oauth/introspect');
    expect(log.text).not.toContain(accessToken);
    expect(log.text).not.toContain(orders.secret);
    expect(log.text).not.toContain('guessed-secret');
  });
});

describe('introspection limits', () => {
  it('limits each service client, without spending another client’s allowance', async () => {
    const limited = await startTestApi({
      env: { SERVICE_CLIENTS: `${orders.entry},${billing.entry}`, RATE_LIMIT_INTROSPECT_PER_CLIENT: '2/1m' },
    });
    try {
      const { accessToken } = await signup(limited);
      const body = form({ token: accessToken });
      expect((await introspect(limited, body)).status).toBe(200);
      expect((await introspect(limited, body)).status).toBe(200);
      const third = await introspect(limited, body);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toStrictEqual({ error: 'rate_limited' });
      const other = await introspect(limited, body, { authorization: basic(billing.id, billing.secret) });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('counts failed authentications against the address, so secrets cannot be guessed at speed', async () => {
    const limited = await startTestApi({
      env: { SERVICE_CLIENTS: orders.entry, RATE_LIMIT_SERVICE_PER_ADDRESS: '3/1m' },
    });
    try {
      const wrong = { authorization: basic(orders.id, 'guess') };
      expect((await introspect(limited, form({ token: 'x' }), wrong)).status).toBe(401);
      expect((await introspect(limited, form({ token: 'x' }), wrong)).status).toBe(401);
      expect((await introspect(limited, form({ token: 'x' }), wrong)).status).toBe(401);
      expect((await introspect(limited, form({ token: 'x' }))).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('refuses every client when SERVICE_CLIENTS is empty', async () => {
    const closed = await startTestApi();
    try {
      const response = await introspect(closed, form({ token: 'x' }));
      expect(response.status).toBe(401);
    } finally {
      await closed.close();
    }
  });
});
