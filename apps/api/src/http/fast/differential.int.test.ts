// The fast transport against tRPC's official adapter, on the wire: two API instances on one test database, one
// per transport, receive the same requests (every procedure, every error, batches with mixed results, odd and
// hostile inputs, token and cookie flows, and a fast-check generated set) and must answer with the same status,
// the same body and the same relevant headers, once volatile values (tokens, ids, times, usernames) are
// normalised. Each instance has its own fixture user, and state-changing requests go to both in the same order,
// so both databases-within-the-database evolve alike.
import { createAccessTokenService, generateJwtSecret, hmacSigningKeys, parseJwtSecret } from '@latchkey/auth';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from '../../testing/test-api.js';

const BODY_LIMIT_BYTES = 4096;
const JSON_MAX_DEPTH = 8;
const LOGIN_LIMIT = 3;

interface Fixture {
  username: string;
  userId: string;
  accessToken: string;
  /** An access token for the same session that expired an hour ago (signed with the same secret). */
  expiredToken: string;
  refreshToken: string;
  /** `name=value` of a refresh cookie from a second (cookie-transport) login. */
  cookie: string;
  taskId: string;
}

interface WireRequest {
  method: string;
  /** After `/trpc/`, query string included. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface WireAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
  /** Whether the body came with a Content-Length (the fast transport) or chunked (tRPC's adapter). */
  framing: 'length' | 'chunked' | 'none';
}

// The headers a client or a cache acts on; Date, Connection and the framing headers are not compared.
const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'retry-after',
  'vary',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'x-content-type-options',
  'referrer-policy',
] as const;

let secret: string;
let official: TestApi;
let fast: TestApi;
let officialFixture: Fixture;
let fastFixture: Fixture;

function env(transport: 'fast' | 'official'): Record<string, string> {
  return {
    JWT_SECRET: secret,
    HTTP_TRANSPORT: transport,
    BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    JSON_MAX_DEPTH: String(JSON_MAX_DEPTH),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: `${LOGIN_LIMIT}/15m`,
    RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000/1h',
    RATE_LIMIT_LOGIN_PER_ADDRESS: '100000/15m',
  };
}

beforeAll(async () => {
  secret = generateJwtSecret();
  official = await startTestApi({ env: env('official') });
  fast = await startTestApi({ env: env('fast'), database: official.database });
  officialFixture = await createFixture(official);
  fastFixture = await createFixture(fast);
});
afterAll(async () => {
  await fast.close();
  await official.close();
});

function sessionIdOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as {
    sid: string;
  };
  return payload.sid;
}

async function json<T>(response: Response): Promise<T> {
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function createFixture(api: TestApi): Promise<Fixture> {
  const username = uniqueUsername('diff');
  const signup = await json<{
    result: { data: { accessToken: string; refreshToken: string; user: { id: string } } };
  }>(await post(api, 'auth.signup', { username, password: GOOD_PASSWORD, refreshTransport: 'body' }));
  const { accessToken, refreshToken, user } = signup.result.data;
  const cookieLogin = await post(api, 'auth.login', { username, password: GOOD_PASSWORD });
  expect(cookieLogin.status).toBe(200);
  const cookie = cookieLogin.headers.getSetCookie()[0]!.split(';')[0]!;
  const task = await json<{ result: { data: { id: string } } }>(
    await post(api, 'tasks.create', { title: 'first' }, { authorization: `Bearer ${accessToken}` }),
  );
  const past = new Date(Date.now() - 3_600_000);
  const expiredIssuer = await createAccessTokenService({
    keys: hmacSigningKeys(parseJwtSecret(secret)),
    issuer: api.server.app.config.issuer,
    audience: api.server.app.config.audience,
    ttlSeconds: 60,
    now: () => past,
  });
  const expired = await expiredIssuer.issue({
    userId: user.id,
    sessionId: sessionIdOf(accessToken),
    role: 'user',
    authTime: past,
  });
  return {
    username,
    userId: user.id,
    accessToken,
    expiredToken: expired.token,
    refreshToken,
    cookie,
    taskId: task.result.data.id,
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;
const REFRESH = /lkr_[\w-]+/g;
const DEVICE_TOKEN = /lkd1\.\d+\.[\w-]+\.[\w-]+/g;

function normaliseText(text: string, fixture: Fixture): string {
  return text
    .replaceAll(fixture.username, '<username>')
    .replace(JWT, '<jwt>')
    .replace(REFRESH, '<refresh>')
    .replace(DEVICE_TOKEN, '<device-token>')
    .replace(UUID, '<uuid>')
    .replace(ISO_TIME, '<time>');
}

function normaliseValue(value: unknown, fixture: Fixture): unknown {
  if (typeof value === 'string') return normaliseText(value, fixture);
  if (Array.isArray(value)) return value.map((item) => normaliseValue(item, fixture));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        // A rate limit's delay may tick over between the two calls; its presence and type are what must match.
        // Audit event ids are a serial shared by both instances.
        (key === 'retryAfter' || key === 'id') && typeof item === 'number'
          ? `<${key}>`
          : normaliseValue(item, fixture),
      ]),
    );
  }
  return value;
}

function normaliseSetCookie(cookie: string, fixture: Fixture): string {
  return normaliseText(cookie, fixture)
    .replace(/^([^=]+)=[^;]+/, '$1=<value>')
    .replace(/Expires=[^;]+/, (match) => (match.includes('1970') ? match : 'Expires=<time>'));
}

async function send(api: TestApi, fixture: Fixture, request: WireRequest): Promise<WireAnswer> {
  const response = await fetch(`${api.trpcUrl}/${request.path}`, {
    method: request.method,
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? '' : (JSON.parse(text) as unknown);
  } catch {
    // Streamed (JSONL) or empty answers are compared as text.
  }
  const headers: Record<string, string | null> = {};
  for (const name of COMPARED_HEADERS) headers[name] = response.headers.get(name);
  if (headers['retry-after'] !== null) headers['retry-after'] = '<seconds>';
  headers['set-cookie'] = response.headers
    .getSetCookie()
    .map((cookie) => normaliseSetCookie(cookie, fixture))
    .join(' | ');
  const framing =
    response.headers.get('content-length') !== null
      ? 'length'
      : response.headers.get('transfer-encoding') === 'chunked'
        ? 'chunked'
        : 'none';
  return { status: response.status, body: normaliseValue(body, fixture), headers, framing };
}

/** Sends the requests in order to both instances (each with its own fixture) and returns both answer lists. */
async function both(
  requests: (fixture: Fixture) => WireRequest[],
  fixtures: { official: Fixture; fast: Fixture } = { official: officialFixture, fast: fastFixture },
): Promise<{ official: WireAnswer[]; fast: WireAnswer[] }> {
  const answers = { official: [] as WireAnswer[], fast: [] as WireAnswer[] };
  for (const request of requests(fixtures.official))
    answers.official.push(await send(official, fixtures.official, request));
  for (const request of requests(fixtures.fast)) answers.fast.push(await send(fast, fixtures.fast, request));
  return answers;
}

function withoutFraming(answers: WireAnswer[]): Omit<WireAnswer, 'framing'>[] {
  return answers.map(({ framing: _framing, ...rest }) => rest);
}

async function expectSameAnswers(
  requests: (fixture: Fixture) => WireRequest[],
  options: { freshFixtures?: boolean; servedBy?: 'fast' | 'official' } = {},
): Promise<WireAnswer[]> {
  const fixtures = options.freshFixtures
    ? { official: await createFixture(official), fast: await createFixture(fast) }
    : undefined;
  const answers = await both(requests, fixtures);
  expect(withoutFraming(answers.fast)).toEqual(withoutFraming(answers.official));
  // tRPC's adapter streams its body (chunked); the fast transport sends it whole, with a Content-Length. That
  // tells which one answered on the fast instance.
  if (options.servedBy === 'fast')
    expect(answers.fast.map((answer) => answer.framing)).not.toContain('chunked');
  if (options.servedBy === 'official')
    expect(answers.fast.map((answer) => answer.framing)).toContain('chunked');
  return answers.fast;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const JSON_TYPE = { 'content-type': 'application/json' };
const get = (path: string, headers: Record<string, string> = {}): WireRequest => ({
  method: 'GET',
  path,
  headers,
});
const postJson = (path: string, body: string, headers: Record<string, string> = {}): WireRequest => ({
  method: 'POST',
  path,
  headers: { ...JSON_TYPE, ...headers },
  body,
});
const input = (value: unknown): string => `input=${encodeURIComponent(JSON.stringify(value))}`;

describe('single calls answer alike', () => {
  const cases: [string, (f: Fixture) => WireRequest][] = [
    ['auth.me with a valid token', (f) => get('auth.me', bearer(f.accessToken))],
    [
      'auth.me from an allowed Origin (CORS headers)',
      (f) => get('auth.me', { ...bearer(f.accessToken), origin: TEST_ORIGIN }),
    ],
    [
      'auth.me from a foreign Origin',
      (f) => get('auth.me', { ...bearer(f.accessToken), origin: 'https://evil.example' }),
    ],
    ['auth.me without a token', () => get('auth.me')],
    ['auth.me with a garbage token', () => get('auth.me', bearer('not.a.token'))],
    ['auth.me with a Basic header', () => get('auth.me', { authorization: 'Basic YTpi' })],
    ['auth.me with an expired token', (f) => get('auth.me', bearer(f.expiredToken))],
    [
      'auth.me with a token signed by another secret',
      (f) => get('auth.me', bearer(`${f.accessToken.slice(0, -4)}AAAA`)),
    ],
    [
      'auth.me with a malformed ?input= (no input parser: ignored)',
      (f) => get('auth.me?input=%7Bnope', bearer(f.accessToken)),
    ],
    ['auth.me with an empty ?input=', (f) => get('auth.me?input=', bearer(f.accessToken))],
    ['auth.sessions', (f) => get('auth.sessions', bearer(f.accessToken))],
    ['auth.auditEvents', (f) => get('auth.auditEvents', bearer(f.accessToken))],
    ['tasks.list', (f) => get('tasks.list', bearer(f.accessToken))],
    ['tasks.create', (f) => postJson('tasks.create', '{"title":"second"}', bearer(f.accessToken))],
    [
      'tasks.create with an empty title (zodError)',
      (f) => postJson('tasks.create', '{"title":"  "}', bearer(f.accessToken)),
    ],
    [
      'tasks.create with a NUL and a lone surrogate in the title (zodError)',
      (f) => postJson('tasks.create', '{"title":"a\\u0000b\\ud800c"}', bearer(f.accessToken)),
    ],
    [
      'tasks.create with an unknown key',
      (f) => postJson('tasks.create', '{"title":"x","ownerId":"y"}', bearer(f.accessToken)),
    ],
    ['tasks.create without input', (f) => postJson('tasks.create', '', bearer(f.accessToken))],
    ['tasks.create with malformed JSON', (f) => postJson('tasks.create', '{"title":', bearer(f.accessToken))],
    ['tasks.create with a JSON null body', (f) => postJson('tasks.create', 'null', bearer(f.accessToken))],
    [
      'tasks.create with a JSON string body',
      (f) => postJson('tasks.create', '"title"', bearer(f.accessToken)),
    ],
    [
      'tasks.create with a byte-order mark',
      (f) => postJson('tasks.create', '\uFEFF{"title":"bom"}', bearer(f.accessToken)),
    ],
    [
      "tasks.update of another user's task (NOT_FOUND)",
      (f) =>
        postJson(
          'tasks.update',
          JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', done: true }),
          bearer(f.accessToken),
        ),
    ],
    [
      'tasks.update of my task',
      (f) => postJson('tasks.update', JSON.stringify({ id: f.taskId, done: true }), bearer(f.accessToken)),
    ],
    ['tasks.delete with a bad id', (f) => postJson('tasks.delete', '{"id":"nope"}', bearer(f.accessToken))],
    [
      'auth.login with wrong credentials',
      (f) => postJson('auth.login', JSON.stringify({ username: `${f.username}x`, password: GOOD_PASSWORD })),
    ],
    ['auth.login without a body', () => postJson('auth.login', '')],
    [
      'auth.login with a non-JSON charset variant',
      (f) => ({
        ...postJson('auth.login', JSON.stringify({ username: f.username })),
        headers: { 'content-type': 'APPLICATION/JSON; charset=utf-8' },
      }),
    ],
    [
      'auth.signup with a taken username (CONFLICT)',
      (f) => postJson('auth.signup', JSON.stringify({ username: f.username, password: GOOD_PASSWORD })),
    ],
    [
      'auth.signup with a common password (policy)',
      () => postJson('auth.signup', JSON.stringify({ username: 'someone_new', password: 'password' })),
    ],
    ['auth.refresh without any token', () => postJson('auth.refresh', '{}', { origin: TEST_ORIGIN })],
    [
      'auth.refresh with an unknown body token',
      () => postJson('auth.refresh', '{"refreshToken":"lkr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'),
    ],
    [
      'auth.changePassword with a wrong current password',
      (f) =>
        postJson(
          'auth.changePassword',
          JSON.stringify({ currentPassword: 'not it at all', newPassword: 'another good passphrase' }),
          bearer(f.accessToken),
        ),
    ],
    ['admin.users as a user (FORBIDDEN)', (f) => get('admin.users', bearer(f.accessToken))],
    [
      'admin.setRole with bad input as a user',
      (f) => postJson('admin.setRole', '{"userId":1}', bearer(f.accessToken)),
    ],
    ['GET of a mutation (METHOD_NOT_SUPPORTED)', () => get('auth.login')],
    ['POST to a query (METHOD_NOT_SUPPORTED)', (f) => postJson('auth.me', '{}', bearer(f.accessToken))],
    ['an unknown procedure by GET', () => get('auth.nope')],
    ['an unknown procedure by POST', () => postJson('nope', '{}')],
    ['a router, not a procedure', () => get('auth')],
    ['__proto__', () => get('__proto__')],
    ['constructor', () => get('constructor')],
    ['an empty path', () => get('')],
    ['a percent-encoded path', (f) => get('auth%2Eme', bearer(f.accessToken))],
    ['a malformed percent-encoding', () => get('auth.me%E0%A4%A')],
    [
      'JSON nested deeper than the limit in ?input=',
      () => get(`auth.me?input=${encodeURIComponent('['.repeat(20) + ']'.repeat(20))}`),
    ],
    [
      'JSON nested just within the limit in a body',
      (f) => postJson('tasks.create', JSON.stringify({ title: [[[[[['x']]]]]] }), bearer(f.accessToken)),
    ],
    [
      'a body over the limit',
      () => postJson('auth.login', JSON.stringify({ username: 'a'.repeat(BODY_LIMIT_BYTES), password: 'x' })),
    ],
    [
      'a POST without a content type (tRPC refuses it)',
      () => ({ method: 'POST', path: 'auth.login', body: '{}' }),
    ],
    [
      'a text/plain POST (refused by the server)',
      () => ({ method: 'POST', path: 'auth.login', headers: { 'content-type': 'text/plain' }, body: '{}' }),
    ],
    [
      'a GET with a text/plain content type (JSON fallback)',
      (f) => get('auth.me', { ...bearer(f.accessToken), 'content-type': 'text/plain' }),
    ],
    [
      'a GET with a form-data content type',
      (f) => get('auth.me', { ...bearer(f.accessToken), 'content-type': 'multipart/form-data; boundary=x' }),
    ],
    ['HEAD', () => ({ method: 'HEAD', path: 'auth.me' })],
    ['PUT', () => ({ method: 'PUT', path: 'auth.me', headers: JSON_TYPE, body: '{}' })],
    ['DELETE', () => ({ method: 'DELETE', path: 'auth.me' })],
    [
      'a CORS preflight',
      () => ({
        method: 'OPTIONS',
        path: 'auth.login',
        headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'POST' },
      }),
    ],
    ['connectionParams', (f) => get('auth.me?connectionParams=%7B%7D', bearer(f.accessToken))],
  ];

  it.each(cases)('%s', async (_name, request) => {
    await expectSameAnswers((fixture) => [request(fixture)]);
  });

  it('the fast instance served the plain calls itself, and left the rest to tRPC', async () => {
    await expectSameAnswers(
      (f) => [get('auth.me', bearer(f.accessToken)), get('auth.nope'), postJson('auth.me', '{}')],
      {
        servedBy: 'fast',
      },
    );
    await expectSameAnswers((f) => [get('auth.me?connectionParams=%7B%7D', bearer(f.accessToken))], {
      servedBy: 'official',
    });
  });
});

describe('batches answer alike', () => {
  const cases: [string, (f: Fixture) => WireRequest][] = [
    ['two queries', (f) => get('auth.me,tasks.list?batch=1', bearer(f.accessToken))],
    ['a batch of one', (f) => get('auth.me?batch=1', bearer(f.accessToken))],
    ['success and NOT_FOUND (207)', (f) => get('auth.me,auth.nope?batch=1', bearer(f.accessToken))],
    ['two NOT_FOUND (404)', () => get('nope,auth.nope?batch=1')],
    ['two UNAUTHORIZED (401)', () => get('auth.me,tasks.list?batch=1')],
    [
      'queries with inputs keyed by index',
      (f) => get(`auth.me,tasks.list?batch=1&${input({ 0: { a: 1 }, 1: null })}`, bearer(f.accessToken)),
    ],
    [
      'an input that is not an object',
      (f) => get(`auth.me,tasks.list?batch=1&${input([1, 2])}`, bearer(f.accessToken)),
    ],
    ['a malformed batch input', (f) => get('auth.me,tasks.list?batch=1&input=%5B', bearer(f.accessToken))],
    ['a query and a mutation (cannot mix)', (f) => get('auth.me,auth.login?batch=1', bearer(f.accessToken))],
    [
      'more than 16 calls',
      (f) => get(`${Array.from({ length: 17 }, () => 'auth.me').join(',')}?batch=1`, bearer(f.accessToken)),
    ],
    [
      'exactly 16 calls',
      (f) => get(`${Array.from({ length: 16 }, () => 'auth.me').join(',')}?batch=1`, bearer(f.accessToken)),
    ],
    ['an empty path element', (f) => get('auth.me,?batch=1', bearer(f.accessToken))],
    ['an encoded comma', (f) => get('auth.me%2Ctasks.list?batch=1', bearer(f.accessToken))],
    [
      'batch=0 with a comma (one unknown path)',
      (f) => get('auth.me,tasks.list?batch=0', bearer(f.accessToken)),
    ],
    [
      'mutations, one with a bad input, one unauthorised',
      () =>
        postJson(
          'tasks.create,auth.login?batch=1',
          JSON.stringify({ 0: { title: 'x' }, 1: { username: 1 } }),
          bearer('bad'),
        ),
    ],
    [
      'mutations with valid and invalid inputs',
      (f) =>
        postJson(
          'tasks.create,tasks.create?batch=1',
          JSON.stringify({ 0: { title: 'ok' }, 1: { title: '' } }),
          bearer(f.accessToken),
        ),
    ],
    [
      'a mutation batch with a malformed body',
      (f) => postJson('tasks.create,tasks.create?batch=1', '{"0":', bearer(f.accessToken)),
    ],
    [
      'a mutation batch with an array body',
      (f) => postJson('tasks.create,tasks.create?batch=1', '[]', bearer(f.accessToken)),
    ],
    [
      // One call: a streamed batch of several emits each result as it completes, so two runs of the very same
      // handler can order their lines differently, and byte-for-byte comparison would be a coin toss.
      'a streaming batch (httpBatchStreamLink, served by tRPC)',
      (f) => get('auth.me?batch=1', { ...bearer(f.accessToken), 'trpc-accept': 'application/jsonl' }),
    ],
    [
      'an unbatched stream request',
      (f) => get('auth.me', { ...bearer(f.accessToken), 'trpc-accept': 'application/jsonl' }),
    ],
  ];

  it.each(cases)('%s', async (_name, request) => {
    await expectSameAnswers((fixture) => [request(fixture)]);
  });

  it('a bad token does not break the public call of a batch', async () => {
    await expectSameAnswers(
      (f) => [
        postJson(
          'auth.login,auth.logoutAll?batch=1',
          JSON.stringify({ 0: { username: f.username, password: GOOD_PASSWORD, refreshTransport: 'body' } }),
          bearer('not.a.token'),
        ),
      ],
      { servedBy: 'fast' },
    );
  });
});

describe('token and cookie flows answer alike', () => {
  it('refresh through the cookie from an allowed Origin rotates it; a reuse revokes the session', async () => {
    await expectSameAnswers(
      (f) => [
        postJson('auth.refresh', '{}', { cookie: f.cookie, origin: TEST_ORIGIN }),
        postJson('auth.refresh', '{}', { cookie: f.cookie, origin: 'https://evil.example' }),
        postJson('auth.refresh', '{"refreshToken":"' + f.refreshToken + '","refreshTransport":"body"}'),
      ],
      { freshFixtures: true, servedBy: 'fast' },
    );
  });

  it('logout through the cookie clears it and revokes the session', async () => {
    await expectSameAnswers(
      (f) => [
        postJson('auth.logout', '{}', { cookie: f.cookie, origin: 'https://evil.example' }),
        postJson('auth.logout', '{}', { cookie: f.cookie, origin: TEST_ORIGIN }),
        postJson('auth.refresh', '{}', { cookie: f.cookie, origin: TEST_ORIGIN }),
      ],
      { freshFixtures: true },
    );
  });

  it('logoutAll revokes every access token at once', async () => {
    await expectSameAnswers(
      (f) => [
        postJson('auth.logoutAll', '', bearer(f.accessToken)),
        get('auth.me', bearer(f.accessToken)),
        get('auth.me,tasks.list?batch=1', bearer(f.accessToken)),
      ],
      { freshFixtures: true },
    );
  });

  it('a login rate limit answers 429 with retryAfter and a Retry-After header', async () => {
    const answers = await expectSameAnswers(
      (f) =>
        Array.from({ length: LOGIN_LIMIT + 2 }, () =>
          postJson('auth.login', JSON.stringify({ username: f.username, password: 'wrong password here' })),
        ),
      { freshFixtures: true, servedBy: 'fast' },
    );
    expect(answers.at(-1)?.status).toBe(429);
    expect(answers.at(-1)?.headers['retry-after']).toBe('<seconds>');
  });

  it('a login through httpLink-style input in a batch with a rate-limited call', async () => {
    await expectSameAnswers(
      (f) => [
        ...Array.from({ length: LOGIN_LIMIT }, () =>
          postJson('auth.login', JSON.stringify({ username: f.username, password: 'wrong password here' })),
        ),
        postJson(
          'auth.login,auth.login?batch=1',
          JSON.stringify({ 0: { username: f.username, password: GOOD_PASSWORD }, 1: { username: 1 } }),
        ),
      ],
      { freshFixtures: true },
    );
  });
});

describe('generated requests answer alike', () => {
  // Procedures whose effects are the same on both instances' own fixtures (no signup: usernames are shared).
  const procedures = [
    'auth.me',
    'auth.sessions',
    'auth.login',
    'auth.refresh',
    'auth.logout',
    'tasks.list',
    'tasks.create',
    'tasks.update',
    'tasks.delete',
    'admin.users',
    'nope',
    'auth',
    '',
  ] as const;

  it('holds for methods, paths, batches, inputs, content types and tokens', async () => {
    const freshFixtures = { official: await createFixture(official), fast: await createFixture(fast) };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST'),
          paths: fc.array(fc.constantFrom(...procedures), { minLength: 1, maxLength: 3 }),
          batch: fc.boolean(),
          payload: fc.option(
            fc.oneof(
              fc.jsonValue().map((value) => JSON.stringify(value)),
              fc.string(),
              fc.constantFrom('{"title":"generated"}', '{"0":{"title":"x"},"1":{}}', '{', '[]', 'null'),
            ),
          ),
          contentType: fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            null,
          ),
          token: fc.constantFrom('valid', 'expired', 'garbage', 'none'),
        }),
        async ({ method, paths, batch, payload, contentType, token }) => {
          const request = (f: Fixture): WireRequest => {
            const headers: Record<string, string> = {};
            if (contentType !== null) headers['content-type'] = contentType;
            if (token === 'valid') headers.authorization = `Bearer ${f.accessToken}`;
            if (token === 'expired') headers.authorization = `Bearer ${f.expiredToken}`;
            if (token === 'garbage') headers.authorization = 'Bearer garbage';
            const query = new URLSearchParams();
            if (batch) query.set('batch', '1');
            if (method === 'GET' && payload !== null) query.set('input', payload);
            const search = query.size > 0 ? `?${query.toString()}` : '';
            return {
              method,
              path: `${paths.join(',')}${search}`,
              headers,
              ...(method === 'POST' && payload !== null ? { body: payload } : {}),
            };
          };
          const answers = await both((f) => [request(f)], freshFixtures);
          expect(withoutFraming(answers.fast)).toEqual(withoutFraming(answers.official));
        },
      ),
      { numRuns: 120 },
    );
  });
});
