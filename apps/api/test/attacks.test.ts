// Attacks through a live server over real HTTP (fetch), against an EdDSA key-set instance as in production:
// forged and malformed access tokens, CSRF on cookie-borne calls, cookie attributes, caching of tokens, CORS,
// oversized and deeply nested requests, mass assignment, and another user's resources. Each case names the
// exact answer and checks the state afterwards.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../src/testing/test-api.js';
import { arrayContaining, stringMatching } from '../src/testing/matchers.js';
import {
  attackerKeyPair,
  claimsOf,
  ed25519Signer,
  forgeJwt,
  hs256Signer,
  type JwtSigner,
} from './support/jwt-forge.js';

let api: TestApi;
let dataDir: string;
let serverKey: { kid: string; sign: JwtSigner; publicJwk: Record<string, unknown> };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-attacks-'));
  // No JWT_SECRET: the server generates an Ed25519 key set in dataDir, as `pnpm dev` does.
  api = await startTestApi({ env: { JWT_SECRET: '', LATCHKEY_DATA_DIR: dataDir } });
  const keySet = JSON.parse(await readFile(path.join(dataDir, 'keys.json'), 'utf8')) as {
    keys: { kid: string; privateJwk: Record<string, unknown> }[];
  };
  const [stored] = keySet.keys;
  const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as {
    keys: Record<string, unknown>[];
  };
  serverKey = { kid: stored!.kid, sign: ed25519Signer(stored!.privateJwk), publicJwk: jwks.keys[0]! };
});
afterAll(async () => {
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Account {
  username: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

async function signup(): Promise<Account> {
  const username = uniqueUsername('atk');
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  return {
    username,
    userId: session.user.id,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken!,
  };
}

async function signupWithCookie(): Promise<{ cookie: string; accessToken: string; sessionId: string }> {
  const response = await post(api, 'auth.signup', {
    username: uniqueUsername('atk'),
    password: GOOD_PASSWORD,
  });
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  const accessToken = body.result.data.accessToken;
  return {
    cookie: response.headers.getSetCookie()[0]!.split(';')[0]!,
    accessToken,
    sessionId: claimsOf(accessToken).sid as string,
  };
}

async function me(authorization: string): Promise<{ status: number; reason: string | undefined }> {
  const response = await fetch(`${api.trpcUrl}/auth.me`, { headers: { authorization } });
  const body = (await response.json()) as Partial<WireError>;
  return { status: response.status, reason: body.error?.data.reason };
}

describe('forged and malformed access tokens, over HTTP against an EdDSA server', () => {
  let victim: Account;
  let claims: Record<string, unknown>;
  const header = (): Record<string, unknown> => ({ alg: 'EdDSA', typ: 'at+jwt', kid: serverKey.kid });

  beforeAll(async () => {
    victim = await signup();
    claims = claimsOf(victim.accessToken);
  });

  it('accepts the forger’s own rendering of a genuine token (so each case below changes one thing)', async () => {
    const token = forgeJwt(header(), { ...claims, jti: crypto.randomUUID() }, serverKey.sign);
    expect(await me(`Bearer ${token}`)).toEqual({ status: 200, reason: undefined });
  });

  const now = (): number => Math.floor(Date.now() / 1000);
  const cases: [string, () => string, 'INVALID' | 'EXPIRED'][] = [
    [
      'alg none, no signature',
      () => forgeJwt({ alg: 'none', typ: 'at+jwt', kid: serverKey.kid }, { ...claims, role: 'admin' }),
      'INVALID',
    ],
    [
      'alg "None" with the real signature',
      () => {
        const genuine = forgeJwt(header(), claims, serverKey.sign);
        return forgeJwt({ alg: 'None', typ: 'at+jwt', kid: serverKey.kid }, claims) + genuine.split('.')[2]!;
      },
      'INVALID',
    ],
    [
      'HS256 signed with the JWKS public key (JSON)',
      () =>
        forgeJwt(
          { alg: 'HS256', typ: 'at+jwt', kid: serverKey.kid },
          claims,
          hs256Signer(JSON.stringify(serverKey.publicJwk)),
        ),
      'INVALID',
    ],
    [
      'HS256 signed with the raw public key bytes',
      () =>
        forgeJwt(
          { alg: 'HS256', typ: 'at+jwt', kid: serverKey.kid },
          claims,
          hs256Signer(Buffer.from(serverKey.publicJwk.x as string, 'base64url')),
        ),
      'INVALID',
    ],
    [
      'another issuer, genuinely signed',
      () => forgeJwt(header(), { ...claims, iss: 'https://evil.example' }, serverKey.sign),
      'INVALID',
    ],
    [
      'another audience, genuinely signed',
      () => forgeJwt(header(), { ...claims, aud: 'another-api' }, serverKey.sign),
      'INVALID',
    ],
    [
      'typ JWT instead of at+jwt, genuinely signed',
      () => forgeJwt({ ...header(), typ: 'JWT' }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'no typ, genuinely signed',
      () => forgeJwt({ alg: 'EdDSA', kid: serverKey.kid }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'expired 60 s ago (beyond the 30 s skew), genuinely signed',
      () => forgeJwt(header(), { ...claims, iat: now() - 1000, exp: now() - 60 }, serverKey.sign),
      'EXPIRED',
    ],
    [
      'kid path traversal, genuinely signed',
      () => forgeJwt({ ...header(), kid: '../../../../../../etc/passwd' }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'kid pointing at the key set file, genuinely signed',
      () => forgeJwt({ ...header(), kid: path.join(dataDir, 'keys.json') }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'the server’s kid, signed by an attacker key',
      () => forgeJwt(header(), claims, ed25519Signer(attackerKeyPair().privateKey)),
      'INVALID',
    ],
    [
      'an embedded jwk header with the attacker’s key',
      () => {
        const attacker = attackerKeyPair();
        return forgeJwt({ ...header(), jwk: attacker.publicJwk }, claims, ed25519Signer(attacker.privateKey));
      },
      'INVALID',
    ],
    [
      'a jku header pointing at an attacker JWKS',
      () => forgeJwt({ ...header(), jku: 'https://evil.example/jwks.json' }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'a crit header',
      () => forgeJwt({ ...header(), crit: ['exp'], exp: 1 }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'role changed to admin after signing',
      () => {
        const [head, , signature] = forgeJwt(header(), claims, serverKey.sign).split('.');
        const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
        return `${head!}.${tampered}.${signature!}`;
      },
      'INVALID',
    ],
    [
      'ES256 in the header over an EdDSA signature',
      () => forgeJwt({ ...header(), alg: 'ES256' }, claims, serverKey.sign),
      'INVALID',
    ],
    [
      'a 9 KB token (over the verifier’s 8 KB cap), genuinely signed',
      () => forgeJwt(header(), { ...claims, pad: 'x'.repeat(6_500) }, serverKey.sign),
      'INVALID',
    ],
    ['two tokens joined by a space', () => `${victim.accessToken} ${victim.accessToken}`, 'INVALID'],
  ];

  it.each(cases.map(([name, makeToken, reason]) => ({ name, makeToken, reason })))(
    '$name: 401 UNAUTHORIZED with reason $reason',
    async ({ makeToken, reason }) => {
      expect(await me(`Bearer ${makeToken()}`)).toEqual({ status: 401, reason });
    },
  );

  it('a 1 MB Authorization header: 431 or the connection closed, never a 5xx; the server keeps serving', async () => {
    const huge = `Bearer ${'a'.repeat(1024 * 1024)}`;
    const status = await new Promise<number>((resolve) => {
      const request = httpRequest(
        `${api.trpcUrl}/auth.me`,
        { headers: { authorization: huge } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', () => {
        resolve(-1);
      });
      request.end();
    });
    expect([431, -1]).toContain(status);
    expect(await me(`Bearer ${victim.accessToken}`)).toEqual({ status: 200, reason: undefined });
  });
});

describe('CSRF on cookie-borne refresh and logout', () => {
  const refused: [string, Record<string, string>, number][] = [
    ['a foreign Origin', { origin: 'https://evil.example', 'content-type': 'application/json' }, 403],
    ['no Origin and no Sec-Fetch-Site', { 'content-type': 'application/json' }, 403],
    [
      'an allowed-looking Origin with a suffix',
      { origin: `${TEST_ORIGIN}.evil.example`, 'content-type': 'application/json' },
      403,
    ],
    [
      'Content-Type text/plain from the allowed Origin',
      { origin: TEST_ORIGIN, 'content-type': 'text/plain' },
      415,
    ],
    [
      'an undeclared body type from the allowed Origin (fetch sends text/plain)',
      { origin: TEST_ORIGIN },
      415,
    ],
  ];

  it.each(['auth.refresh', 'auth.logout'])(
    '%s is refused for every forged shape, and the session is untouched',
    async (procedure) => {
      const { cookie, accessToken, sessionId } = await signupWithCookie();
      for (const [name, headers, status] of refused) {
        const response = await fetch(`${api.trpcUrl}/${procedure}`, {
          method: 'POST',
          headers: { cookie, ...headers },
          body: '{}',
        });
        expect(response.status, name).toBe(status);
        if (status === 403)
          expect(((await response.json()) as WireError).error.data, name).toMatchObject({
            code: 'FORBIDDEN',
            reason: 'CSRF',
          });
        expect(response.headers.getSetCookie(), name).toEqual([]);
      }
      // Nothing was rotated or revoked: the session lives, its token works, and the cookie still refreshes.
      expect(await api.repositories.sessions.findActiveById(sessionId, new Date())).not.toBeNull();
      expect((await me(`Bearer ${accessToken}`)).status).toBe(200);
      expect((await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN })).status).toBe(200);
    },
  );
});

describe('the refresh cookie with COOKIE_SECURE=1 (production)', () => {
  it('is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, without Domain; logout expires it the same way', async () => {
    const secure = await startTestApi({ env: { COOKIE_SECURE: '1' } });
    try {
      const response = await post(secure, 'auth.signup', {
        username: uniqueUsername('atk'),
        password: GOOD_PASSWORD,
      });
      const [cookie] = response.headers.getSetCookie();
      const attributes = cookie!.split(';').map((part) => part.trim());
      expect(attributes[0]).toMatch(/^__Host-latchkey-refresh=lkr_[A-Za-z0-9_-]{43}$/);
      expect(attributes).toEqual(
        arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/', stringMatching(/^Expires=/)]),
      );
      expect(attributes.some((part) => /^domain=/i.test(part))).toBe(false);
      const logout = await post(secure, 'auth.logout', {}, { cookie: attributes[0]!, origin: TEST_ORIGIN });
      expect(logout.status).toBe(200);
      const cleared = logout.headers
        .getSetCookie()[0]!
        .split(';')
        .map((part) => part.trim());
      expect(cleared).toEqual(
        arrayContaining(['__Host-latchkey-refresh=', 'Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']),
      );
    } finally {
      await secure.close();
    }
  });
});

describe('Cache-Control: no-store on every response that carries a token', () => {
  it('signup, login, refresh (body and cookie) and changePassword answers are no-store', async () => {
    const username = uniqueUsername('atk');
    const answers: Record<string, { status: number; cacheControl: string | null; text: string }> = {};
    const record = async (name: string, response: Response): Promise<string> => {
      const text = await response.text();
      answers[name] = { status: response.status, cacheControl: response.headers.get('cache-control'), text };
      return text;
    };
    const signedUp = JSON.parse(
      await record(
        'signup',
        await post(api, 'auth.signup', { username, password: GOOD_PASSWORD, refreshTransport: 'body' }),
      ),
    ) as { result: { data: { refreshToken: string } } };
    const login = await post(api, 'auth.login', { username, password: GOOD_PASSWORD });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const loggedIn = JSON.parse(await record('login', login)) as {
      result: { data: { accessToken: string } };
    };
    await record(
      'refresh (body)',
      await post(api, 'auth.refresh', { refreshToken: signedUp.result.data.refreshToken }),
    );
    await record('refresh (cookie)', await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN }));
    await record(
      'changePassword',
      await post(
        api,
        'auth.changePassword',
        { currentPassword: GOOD_PASSWORD, newPassword: 'another long passphrase here' },
        { authorization: `Bearer ${loggedIn.result.data.accessToken}` },
      ),
    );
    expect(Object.keys(answers)).toHaveLength(5);
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.status, name).toBe(200);
      expect(answer.cacheControl, name).toBe('no-store');
      expect(answer.text, name).toMatch(/"accessToken":"eyJ/);
    }
  });
});

describe('CORS never hands a foreign origin a credentialed answer', () => {
  const foreign = [
    'https://evil.example',
    'null',
    `${TEST_ORIGIN}.evil.example`,
    'http://app.test:8080',
    TEST_ORIGIN.toUpperCase(),
  ];

  it.each(foreign)('preflight from %s: 403 with no Access-Control-Allow-* header', async (origin) => {
    const response = await fetch(`${api.trpcUrl}/auth.refresh`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(foreign)(
    'simple credentialed login from %s: no Access-Control-Allow-* header, Vary: Origin',
    async (origin) => {
      const { username } = await signup();
      const response = await post(api, 'auth.login', { username, password: GOOD_PASSWORD }, { origin });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    },
  );

  it('the allowed origin gets itself back, never *', async () => {
    const response = await fetch(`${api.trpcUrl}/auth.me`, { headers: { origin: TEST_ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('oversized and deeply nested requests', () => {
  function rawRequest(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const request = httpRequest(`${api.url}/healthz`, { headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', () => {
        resolve(-1);
      });
      request.end();
    });
  }

  it('many headers (200 x 100 bytes) or a 64 KB cookie: 431 or closed, never a 5xx', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 200 }, (_, index) => [`x-filler-${index}`, 'v'.repeat(100)]),
    );
    expect([431, -1]).toContain(await rawRequest(many));
    expect([431, -1]).toContain(await rawRequest({ cookie: `latchkey-refresh=${'c'.repeat(65_536)}` }));
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('a body one byte over the 64 KB default limit: 413 PAYLOAD_TOO_LARGE, before anything runs', async () => {
    const username = uniqueUsername('atk');
    const body = JSON.stringify({ username, password: GOOD_PASSWORD, pad: '' });
    const padded = body.replace('"pad":""', `"pad":"${'p'.repeat(65_536 - body.length + 1)}"`);
    expect(Buffer.byteLength(padded)).toBe(65_537);
    const response = await fetch(`${api.trpcUrl}/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded,
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as WireError).error.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await api.repositories.users.findByUsername(username)).toBeNull();
  });

  it('JSON nested 30,000 levels deep (within the size limit): 400, in a body and in a query, and the server lives', async () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const body = await fetch(`${api.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(body.status).toBe(400);
    const objects = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const query = await fetch(`${api.trpcUrl}/auth.me?input=${encodeURIComponent(objects)}`);
    expect([400, 431]).toContain(query.status);
    const shortQuery = await fetch(
      `${api.trpcUrl}/auth.me?input=${encodeURIComponent('{"a":'.repeat(40) + '1' + '}'.repeat(40))}`,
    );
    expect(shortQuery.status).toBe(400);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});

describe('mass assignment', () => {
  it('signup with role admin, or a __proto__ carrying role admin, creates no admin', async () => {
    const withRole = uniqueUsername('atk');
    expect(
      (await post(api, 'auth.signup', { username: withRole, password: GOOD_PASSWORD, role: 'admin' })).status,
    ).toBe(400);
    expect(await api.repositories.users.findByUsername(withRole)).toBeNull();
    const withProto = uniqueUsername('atk');
    const response = await fetch(`${api.trpcUrl}/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":"${withProto}","password":"${GOOD_PASSWORD}","__proto__":{"role":"admin"}}`,
    });
    expect(response.status).toBe(400);
    expect(await api.repositories.users.findByUsername(withProto)).toBeNull();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('tasks.create and tasks.update with an ownerId are refused and the rows stay their owner’s', async () => {
    const attacker = await signup();
    const victim = await signup();
    const auth = { authorization: `Bearer ${attacker.accessToken}` };
    expect((await post(api, 'tasks.create', { title: 'planted', ownerId: victim.userId }, auth)).status).toBe(
      400,
    );
    const mine = await api.client(attacker.accessToken).tasks.create.mutate({ title: 'mine' });
    expect(
      (await post(api, 'tasks.update', { id: mine.id, done: true, ownerId: victim.userId }, auth)).status,
    ).toBe(400);
    expect(await api.repositories.tasks.list(victim.userId)).toEqual([]);
    expect(await api.repositories.tasks.list(attacker.userId)).toEqual([
      expect.objectContaining({ id: mine.id, ownerId: attacker.userId, title: 'mine', done: false }),
    ]);
  });
});

describe("another user's task or session", () => {
  it('cannot be read, changed, deleted or revoked; the rows are exactly as before', async () => {
    const owner = await signup();
    const intruder = await signup();
    const task = await api.client(owner.accessToken).tasks.create.mutate({ title: 'private' });
    const [before] = await api.repositories.tasks.list(owner.userId);
    const ownerSessionId = claimsOf(owner.accessToken).sid as string;
    const auth = { authorization: `Bearer ${intruder.accessToken}` };

    const list = (await (await fetch(`${api.trpcUrl}/tasks.list`, { headers: auth })).json()) as {
      result: { data: unknown[] };
    };
    expect(list.result.data).toEqual([]);
    const sessions = (await (await fetch(`${api.trpcUrl}/auth.sessions`, { headers: auth })).json()) as {
      result: { data: { id: string }[] };
    };
    expect(sessions.result.data.map((session) => session.id)).not.toContain(ownerSessionId);
    for (const [procedure, input] of [
      ['tasks.update', { id: task.id, title: 'defaced', done: true }],
      ['tasks.delete', { id: task.id }],
      ['auth.revokeSession', { sessionId: ownerSessionId }],
    ] as const) {
      const response = await post(api, procedure, input, auth);
      expect(response.status, procedure).toBe(404);
      expect(((await response.json()) as WireError).error.data.code, procedure).toBe('NOT_FOUND');
    }
    expect(await api.repositories.tasks.list(owner.userId)).toEqual([before]);
    expect(await api.repositories.sessions.findActiveById(ownerSessionId, new Date())).not.toBeNull();
    expect((await me(`Bearer ${owner.accessToken}`)).status).toBe(200);
    const refreshed = await post(api, 'auth.refresh', { refreshToken: owner.refreshToken });
    expect(refreshed.status).toBe(200);
  });
});
