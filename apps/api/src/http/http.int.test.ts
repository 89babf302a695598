// The HTTP layer on the wire (raw fetch): health, readiness, JWKS, CORS, CSRF on cookie-borne calls, cookie
// attributes, Cache-Control, body and depth limits, batching with a bad token, and no 500 for any input.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateJwtSecret } from '@latchkey/auth';
import { createDb } from '@latchkey/db';
import { createTestDatabase } from '@latchkey/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../errors.js';
import { createLogger } from '../logger.js';
import { startApiServer } from '../start-server.js';
import {
  GOOD_PASSWORD,
  LogCapture,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { anyString, arrayContaining, stringMatching } from '../testing/matchers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { BODY_LIMIT_BYTES: '4096', JSON_MAX_DEPTH: '8' } });
});
afterAll(() => api.close());

/** Signs up with the default cookie transport; returns the cookie pair to send back. */
async function signupWithCookie(): Promise<{ cookie: string; accessToken: string }> {
  const response = await post(api, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD });
  const [setCookie] = response.headers.getSetCookie();
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  return { cookie: setCookie!.split(';')[0]!, accessToken: body.result.data.accessToken };
}

describe('health, readiness and JWKS', () => {
  it('GET /healthz is 200', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('with the database gone: /readyz is 503, /healthz 200, and a procedure 503 with Retry-After and a warning', async () => {
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    // A database of its own that really goes away (the shared test database must stay up for the others).
    const testDatabase = await createTestDatabase();
    const database = await createDb(testDatabase.url === null ? {} : { url: testDatabase.url });
    await database.migrate();
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: generateJwtSecret() });
    const log = new LogCapture();
    const logger = createLogger({ level: 'info', destination: log });
    const server = await startApiServer({ config, database, port: 0, logger });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      await database.close();
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      const login = await post({ trpcUrl: `${server.url}/trpc` }, 'auth.login', {
        username: 'ada_lovelace',
        password: GOOD_PASSWORD,
      });
      // An outage is not the caller's fault nor a bug: 503 with a Retry-After, so clients try again.
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
      const body = (await login.json()) as WireError;
      expect(body.error.message).toBe('Service temporarily unavailable, try again shortly');
      expect(body.error.data).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        httpStatus: 503,
        path: 'auth.login',
        retryAfter: DATABASE_RETRY_AFTER_SECONDS,
      });
      const warning = log.lines.find((line) => line.includes('"msg":"database unavailable"'));
      expect(warning).toMatch(/"cause":\{"code":"(PGLITE_CLOSED|CONNECTION_ENDED)"\}/);
      expect(log.lines.some((line) => line.includes('"msg":"procedure failed"'))).toBe(false);
      // The warning names the driver's code, never Drizzle's wrapper, which quotes the statement's parameters.
      expect(log.text).not.toContain('Failed query');
      expect(log.text).not.toContain(GOOD_PASSWORD);
    } finally {
      await server.close().catch(() => undefined);
      await testDatabase.dispose();
    }
  });

  it('GET /.well-known/jwks.json lists no keys under HS256', async () => {
    const response = await fetch(`${api.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [] });
  });

  it('publishes the public half of a key set, and tokens verify against it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'latchkey-keys-'));
    const keyApi = await startTestApi({ env: { JWT_SECRET: '', LATCHKEY_DATA_DIR: dir } });
    try {
      const jwks = (await (await fetch(`${keyApi.url}/.well-known/jwks.json`)).json()) as {
        keys: Record<string, string>[];
      };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: anyString });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const session = await keyApi
        .client()
        .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD });
      const header = JSON.parse(
        Buffer.from(session.accessToken.split('.')[0]!, 'base64url').toString(),
      ) as Record<string, string>;
      expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: jwks.keys[0]!.kid });
    } finally {
      await keyApi.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers unknown paths and unknown procedures with 404', async () => {
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    expect((await post(api, 'auth.nope', {})).status).toBe(404);
  });
});

describe('response headers', () => {
  it('sets Cache-Control: no-store on every /trpc response, success or error', async () => {
    const ok = await post(api, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD });
    const failed = await fetch(`${api.trpcUrl}/auth.me`);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(failed.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS', () => {
  const preflight = (origin: string): Promise<Response> =>
    fetch(`${api.trpcUrl}/auth.login`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('answers a preflight from an allowed origin, with credentials', async () => {
    const response = await preflight(TEST_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('never reflects a foreign origin', async () => {
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${api.url}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect(simple.headers.get('vary')).toBe('Origin');
  });
});

describe('the refresh cookie', () => {
  it('is httpOnly, SameSite=Strict, Path=/trpc, with an expiry, and not Secure on plain-HTTP development', async () => {
    const response = await post(api, 'auth.signup', { username: uniqueUsername(), password: GOOD_PASSWORD });
    const [cookie] = response.headers.getSetCookie();
    const attributes = cookie!.split(';').map((part) => part.trim());
    expect(attributes[0]).toMatch(/^latchkey-refresh=lkr_[A-Za-z0-9_-]+$/);
    expect(attributes).toEqual(
      arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/trpc', stringMatching(/^Expires=/)]),
    );
    expect(attributes).not.toContain('Secure');
  });

  it('refreshes through the cookie from an allowed Origin and rotates it', async () => {
    const { cookie } = await signupWithCookie();
    const response = await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: Record<string, unknown> } };
    expect(body.result.data).not.toHaveProperty('refreshToken');
    const [rotated] = response.headers.getSetCookie();
    expect(rotated!.split(';')[0]).not.toBe(cookie);
    expect(response.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('accepts Sec-Fetch-Site: same-origin in place of an Origin', async () => {
    const { cookie } = await signupWithCookie();
    const response = await post(api, 'auth.refresh', {}, { cookie, 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(200);
  });

  it.each([
    ['no Origin', {}],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
    ['Origin null', { origin: 'null' }],
  ])(
    'refuses a cookie refresh with %s: FORBIDDEN, and the token is not rotated',
    async (_name, headers: Record<string, string>) => {
      const { cookie } = await signupWithCookie();
      const response = await post(api, 'auth.refresh', {}, { cookie, ...headers });
      expect(response.status).toBe(403);
      expect(((await response.json()) as WireError).error.data).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CSRF',
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      // The cookie still works from the right origin: nothing was rotated or revoked.
      expect((await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN })).status).toBe(200);
    },
  );

  it('refuses a form-encodable content type before anything runs', async () => {
    const { cookie } = await signupWithCookie();
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await fetch(`${api.trpcUrl}/auth.refresh`, {
        method: 'POST',
        headers: { cookie, origin: TEST_ORIGIN, 'content-type': contentType },
        body: '{}',
      });
      expect(response.status).toBe(415);
    }
    expect((await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN })).status).toBe(200);
  });

  it('logs out through the cookie (CSRF-checked), clears it, and revokes the session', async () => {
    const { cookie, accessToken } = await signupWithCookie();
    const refused = await post(api, 'auth.logout', {}, { cookie, origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(
      (await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${accessToken}` } })).status,
    ).toBe(200);

    const response = await post(api, 'auth.logout', {}, { cookie, origin: TEST_ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()[0]).toMatch(/^latchkey-refresh=; .*Expires=Thu, 01 Jan 1970/);
    const me = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as WireError).error.data.reason).toBe('REVOKED');
  });
});

describe('auth.logoutAll and the refresh cookie', () => {
  const logoutAll = (accessToken: string, cookie: string): Promise<Response> =>
    post(api, 'auth.logoutAll', undefined, {
      authorization: `Bearer ${accessToken}`,
      cookie,
      origin: TEST_ORIGIN,
    });

  it('clears the cookie when its session is one it revoked: the browser keeps no dead cookie', async () => {
    const { cookie, accessToken } = await signupWithCookie();
    const response = await logoutAll(accessToken, cookie);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: { data: unknown } }).result.data).toEqual({ revoked: 1 });
    expect(response.headers.getSetCookie()).toEqual([
      stringMatching(/^latchkey-refresh=; .*Expires=Thu, 01 Jan 1970/),
    ]);
  });

  it("leaves another account's cookie alone: a script with its own token cannot make the browser drop it", async () => {
    const victim = await signupWithCookie();
    const attacker = await signupWithCookie();
    const response = await logoutAll(attacker.accessToken, victim.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    // The victim's session lives on, and its cookie still refreshes.
    expect((await post(api, 'auth.refresh', {}, { cookie: victim.cookie, origin: TEST_ORIGIN })).status).toBe(
      200,
    );
  });

  it('leaves two refresh cookies (one planted) alone, and still revokes every session', async () => {
    const { cookie, accessToken } = await signupWithCookie();
    const response = await logoutAll(accessToken, `${cookie}; latchkey-refresh=lkr_${'B'.repeat(43)}`);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    const me = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as WireError).error.data.reason).toBe('REVOKED');
  });

  it('leaves a cookie that names no session alone, and still revokes every session', async () => {
    const { accessToken } = await signupWithCookie();
    const response = await logoutAll(accessToken, `latchkey-refresh=lkr_${'A'.repeat(43)}`);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    const me = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as WireError).error.data.reason).toBe('REVOKED');
  });
});

describe('request limits', () => {
  it('refuses a body over BODY_LIMIT_BYTES with 413, declared or streamed', async () => {
    const big = JSON.stringify({ username: 'a'.repeat(5000), password: GOOD_PASSWORD });
    const declared = await post(api, 'auth.login', JSON.parse(big) as unknown);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as WireError).error.data.code).toBe('PAYLOAD_TOO_LARGE');
    const streamed = await fetch(`${api.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let index = 0; index < 10; index += 1)
            controller.enqueue(new TextEncoder().encode(' '.repeat(1000)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
  });

  it('refuses JSON nested deeper than JSON_MAX_DEPTH with 400, in a body or a query', async () => {
    const deep = '['.repeat(20) + ']'.repeat(20);
    const body = await fetch(`${api.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(body.status).toBe(400);
    const query = await fetch(`${api.trpcUrl}/auth.me?input=${encodeURIComponent(deep)}`);
    expect(query.status).toBe(400);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await fetch(`${api.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(response.status).toBe(400);
  });
});

describe('batching', () => {
  it('a bad token does not break the public calls of a batch', async () => {
    const username = uniqueUsername();
    await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
    const response = await fetch(`${api.trpcUrl}/auth.login,auth.logoutAll?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ 0: { username, password: GOOD_PASSWORD, refreshTransport: 'body' } }),
    });
    const [login, logoutAll] = (await response.json()) as [
      { result?: { data: { accessToken: string } } },
      WireError,
    ];
    expect(login.result?.data.accessToken).toEqual(anyString);
    expect(logoutAll.error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'INVALID' });
  });

  it('refuses a batch of more than 16 calls with 400', async () => {
    const paths = Array.from({ length: 17 }, () => 'auth.me').join(',');
    const response = await fetch(`${api.trpcUrl}/${paths}?batch=1`);
    expect(response.status).toBe(400);
    expect((await fetch(`${api.trpcUrl}/${paths.split(',').slice(1).join(',')}?batch=1`)).status).toBe(401);
  });

  it('works through httpBatchLink with a bad token on public procedures', async () => {
    const username = uniqueUsername();
    const client = api.batchClient('garbage-token');
    const [signup, health] = await Promise.allSettled([
      client.auth.signup.mutate({ username, password: GOOD_PASSWORD }),
      client.auth.me.query(),
    ]);
    expect(signup.status).toBe('fulfilled');
    expect(health.status).toBe('rejected');
  });
});

describe('no caller input produces a 500', () => {
  it('holds for arbitrary methods, paths, headers and bodies', async () => {
    const procedures = [
      'auth.login',
      'auth.signup',
      'auth.refresh',
      'auth.logout',
      'auth.me',
      'tasks.update',
      'admin.setRole',
      'x',
      '',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        fc.array(fc.constantFrom(...procedures), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.option(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc.jsonValue().map((value) => JSON.stringify(value)),
          ),
        ),
        fc.option(
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/octet-stream',
            'multipart/form-data',
          ),
        ),
        fc.option(
          fc.oneof(
            fc.string(),
            fc.constant('Bearer '),
            fc.string().map((text) => `Bearer ${text}`),
          ),
        ),
        fc.option(fc.string()),
        async (method, paths, batch, body, contentType, authorization, input) => {
          const query = new URLSearchParams();
          if (batch) query.set('batch', '1');
          if (input !== null) query.set('input', input);
          const headers: Record<string, string> = {};
          if (contentType !== null) headers['content-type'] = contentType;
          if (authorization !== null && /^[\t\x20-\x7e]*$/.test(authorization))
            headers.authorization = authorization;
          const response = await fetch(`${api.trpcUrl}/${paths.join(',')}?${query.toString()}`, {
            method,
            headers,
            ...(body === null || method === 'GET' ? {} : { body }),
          });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
