// Generated requests for every procedure of the API, for the fuzz property (test/fuzz.test.ts, a small run in
// the default suite) and the fuzz job (test/scripts/fuzz.ts, 100,000 inputs). The mix: inputs of the right
// shape with odd values, wrong types, huge strings, Unicode (lone surrogates included), prototype-pollution
// keys, batches, GET and POST, and random, forged or real tokens and refresh cookies.
import fc from 'fast-check';

/** Every procedure with the input fields it declares (CONTRACT.md and apps/api/README.md). */
export const PROCEDURES = {
  'auth.signup': ['username', 'password', 'refreshTransport'],
  'auth.login': ['username', 'password', 'refreshTransport'],
  'auth.refresh': ['refreshToken', 'refreshTransport'],
  'auth.logout': ['refreshToken'],
  'auth.logoutAll': [],
  'auth.me': [],
  'auth.sessions': [],
  'auth.revokeSession': ['sessionId'],
  'auth.changePassword': ['currentPassword', 'newPassword'],
  'auth.auditEvents': [],
  'tasks.list': [],
  'tasks.create': ['title'],
  'tasks.update': ['id', 'title', 'done'],
  'tasks.delete': ['id'],
  'admin.users': [],
  'admin.setRole': ['userId', 'role'],
  'admin.disableUser': ['userId'],
} as const satisfies Record<string, readonly string[]>;

export type ProcedureName = keyof typeof PROCEDURES;
const QUERIES = new Set(['auth.me', 'auth.sessions', 'auth.auditEvents', 'tasks.list', 'admin.users']);
const procedureNames = Object.keys(PROCEDURES) as ProcedureName[];

/** Credentials the generator may use: real ones make the requests reach the resolvers. */
export interface FuzzCredentials {
  userToken: () => string;
  adminToken: () => string;
  /** A live refresh token (body transport), to put in bodies and cookies. */
  refreshToken: () => string;
  /** Ids that exist: the caller's own task and session, another user's task and session. */
  knownIds: readonly string[];
  allowedOrigin: string;
}

export type TokenChoice = 'none' | 'user' | 'admin' | 'random' | 'forged' | 'malformed-scheme';

export interface FuzzRequest {
  method: string;
  procedures: readonly string[];
  batch: boolean;
  /** The body or `input` text as sent (already serialised: some are not valid JSON on purpose). */
  payload: string | null;
  token: TokenChoice;
  randomToken: string;
  refreshCookie: 'none' | 'real' | 'random';
  origin: 'none' | 'allowed' | 'foreign' | 'null';
  contentType: string;
}

const hugeString = fc
  .tuple(
    fc.constantFrom('a', 'é', '😀', '\u0000', '"', '\\', '{', ' '),
    fc.integer({ min: 1_000, max: 80_000 }),
  )
  .map(([unit, count]) => unit.repeat(count));

/** A value of roughly the right kind for a field, but odd. */
function oddValue(field: string): fc.Arbitrary<unknown> {
  const strings = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 64 }),
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.constantFrom(
      '',
      ' ',
      '\u200b',
      'null',
      'undefined',
      'admin',
      '../../etc/passwd',
      "' or 1=1 --",
      '%00',
    ),
  );
  const specific: Record<string, fc.Arbitrary<unknown>> = {
    username: fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9._-]{3,32}$/),
      fc.stringMatching(/^[A-Za-z0-9._-]{0,40}$/),
    ),
    password: fc.oneof(fc.string({ minLength: 8, maxLength: 80 }), fc.constant('password123')),
    currentPassword: fc.string({ maxLength: 80 }),
    newPassword: fc.string({ maxLength: 80 }),
    refreshTransport: fc.constantFrom('cookie', 'body', 'BODY', 'header', ''),
    refreshToken: fc.oneof(fc.stringMatching(/^lkr_[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 300 })),
    role: fc.constantFrom('user', 'admin', 'root', 'Admin', ''),
    done: fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1)),
    title: fc.oneof(fc.string({ maxLength: 1100 }), fc.string({ unit: 'grapheme', maxLength: 40 })),
  };
  const idField = ['sessionId', 'id', 'userId'].includes(field);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: idField
        ? fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000'))
        : (specific[field] ?? strings),
    },
    { weight: 2, arbitrary: strings },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.object({ maxDepth: 2 }),
      ),
    },
    { weight: 1, arbitrary: hugeString },
  );
}

/** An input for one procedure, as a JSON-able value or a raw text. */
function inputFor(
  procedure: string,
  knownIds: readonly string[],
): fc.Arbitrary<{ json: unknown } | { raw: string }> {
  // hasOwn: a generated name such as `__proto__` must not read Object.prototype.
  const fields: readonly string[] = Object.hasOwn(PROCEDURES, procedure)
    ? PROCEDURES[procedure as ProcedureName]
    : ['x'];
  const shaped = fc
    .tuple(
      ...fields.map((field) =>
        fc.option(
          ['sessionId', 'id', 'userId'].includes(field) && knownIds.length > 0
            ? fc.oneof(fc.constantFrom(...knownIds), oddValue(field))
            : oddValue(field),
          { freq: 5 },
        ),
      ),
    )
    .chain((values) =>
      fc
        .option(
          fc.dictionary(fc.constantFrom('role', 'ownerId', 'isAdmin', 'userId', 'extra'), fc.jsonValue()),
          {
            freq: 4,
          },
        )
        .map((extra) => {
          const input: Record<string, unknown> = {};
          fields.forEach((field, index) => {
            const value = values[index];
            if (value !== null && value !== undefined) input[field] = value;
          });
          return { json: extra === null ? input : { ...input, ...extra } };
        }),
    );
  const pollution = fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => ({
      raw:
        key === 'constructor'
          ? `{"constructor":{"prototype":{"role":"admin","polluted":${JSON.stringify(value)}}}}`
          : `{"${key}":{"role":"admin","polluted":${JSON.stringify(value)}},"title":"x","username":"polluter"}`,
    }));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) },
    { weight: 1, arbitrary: pollution },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), hugeString).map((raw) => ({ raw })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 400 })
        .map((depth) => ({ raw: '['.repeat(depth) + ']'.repeat(depth) })),
    },
  );
}

function serialise(input: { json: unknown } | { raw: string }): string {
  return 'raw' in input ? input.raw : JSON.stringify(input.json);
}

/** The request generator. */
export function fuzzRequest(credentials: Pick<FuzzCredentials, 'knownIds'>): fc.Arbitrary<FuzzRequest> {
  const procedure = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...procedureNames) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('auth', 'auth.', 'nope.nope', '__proto__', 'auth.me/x', '%2e%2e'),
    },
  );
  const single = procedure.chain((name) =>
    fc.record({
      procedures: fc.constant([name]),
      batch: fc.constant(false),
      payload: fc.option(inputFor(name, credentials.knownIds).map(serialise), { freq: 8 }),
    }),
  );
  const batch = fc.array(procedure, { minLength: 1, maxLength: 18 }).chain((names) =>
    fc
      .tuple(...names.map((name) => fc.option(inputFor(name, credentials.knownIds), { freq: 6 })))
      .map((inputs) => {
        const entries = inputs.flatMap((input, index) =>
          input === null ? [] : [`"${index}":${serialise(input)}`],
        );
        return { procedures: names, batch: true, payload: `{${entries.join(',')}}` as string | null };
      }),
  );
  return fc
    .record({
      method: fc.oneof(
        { weight: 16, arbitrary: fc.constant('expected') },
        { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      ),
      call: fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: batch }),
      token: fc.constantFrom<TokenChoice>(
        'none',
        'user',
        'user',
        'user',
        'admin',
        'admin',
        'random',
        'forged',
        'malformed-scheme',
      ),
      randomToken: fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ maxLength: 400 })),
      refreshCookie: fc.constantFrom('none', 'none', 'real', 'random'),
      origin: fc.constantFrom('none', 'allowed', 'foreign', 'null'),
      contentType: fc.oneof(
        { weight: 12, arbitrary: fc.constant('application/json') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'APPLICATION/JSON',
            'text/plain',
            'application/x-www-form-urlencoded',
            '',
          ),
        },
      ),
    })
    .map(({ call, method, ...rest }) => ({
      ...rest,
      ...call,
      // Mostly the method the (first) procedure expects, so the calls reach the resolvers.
      method: method === 'expected' ? (QUERIES.has(call.procedures.at(0) ?? '') ? 'GET' : 'POST') : method,
    }));
}

// A JWT-shaped token with a forged header: none / HS256 / a traversal kid, for the `forged` choice.
function forgedToken(seed: string): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = [
    { alg: 'none', typ: 'at+jwt' },
    { alg: 'HS256', typ: 'at+jwt', kid: '../../../../dev/null' },
    { alg: 'EdDSA', typ: 'JWT', jku: 'https://evil.example/jwks.json' },
  ][seed.length % 3];
  const claims = {
    iss: 'latchkey',
    aud: 'latchkey-api',
    sub: seed,
    sid: seed,
    role: 'admin',
    iat: now,
    exp: now + 600,
    jti: seed,
    auth_time: now,
  };
  return `${encode(header)}.${encode(claims)}.${Buffer.from(seed).toString('base64url')}`;
}

/** Sends one generated request; resolves to the status, or 'network' when the connection was dropped. */
export async function sendFuzzRequest(
  trpcUrl: string,
  request: FuzzRequest,
  credentials: FuzzCredentials,
): Promise<number> {
  const headers: Record<string, string> = {};
  const token = {
    none: null,
    user: credentials.userToken(),
    admin: credentials.adminToken(),
    random: request.randomToken,
    forged: forgedToken(request.randomToken),
    'malformed-scheme': null,
  }[request.token];
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (request.token === 'malformed-scheme') headers.authorization = `Basic ${request.randomToken}`;
  if (request.refreshCookie !== 'none')
    headers.cookie = `latchkey-refresh=${request.refreshCookie === 'real' ? credentials.refreshToken() : request.randomToken}`;
  if (request.origin === 'allowed') headers.origin = credentials.allowedOrigin;
  if (request.origin === 'foreign') headers.origin = 'https://evil.example';
  if (request.origin === 'null') headers.origin = 'null';
  const query = new URLSearchParams();
  if (request.batch) query.set('batch', '1');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  if (!hasBody && request.payload !== null) query.set('input', request.payload);
  if (hasBody && request.contentType !== '') headers['content-type'] = request.contentType;
  // Header values must be Latin-1 for fetch; a value outside that is a client-side error, not a request.
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[\t\x20-\x7e]*$/.test(value)) headers[name] = encodeURIComponent(value);
  }
  const path = request.procedures.map((name) => encodeURIComponent(name).replaceAll('%2C', ',')).join(',');
  try {
    const response = await fetch(`${trpcUrl}/${path}?${query.toString()}`, {
      method: request.method,
      headers,
      ...(hasBody && request.payload !== null ? { body: request.payload } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return -1;
  }
}
