// Generated requests for every procedure of the API, for the fuzz property (test/fuzz.test.ts, a small run in
// the default suite) and the fuzz job (test/scripts/fuzz.ts, 100,000 inputs). The mix: well-formed calls with
// real tokens and valid inputs (so the resolvers and the database are reached, not only the guards), the same
// calls with one field made hostile (NUL, lone surrogates, control, bidi and format characters, overlong
// values), inputs of the right shape with odd values, wrong types, huge strings, prototype-pollution keys,
// bodies that are not UTF-8, batches, GET and POST, tRPC's streamed (JSON lines) answers, and random, forged or
// real tokens and refresh cookies. An internal error counts as a failure wherever it hides: in the status, in
// one call of a batch (a 207), or inside a streamed answer, which has sent its 200 before the procedure ran.
import { PASSWORD_MAX_LENGTH } from '@latchkey/auth';
import fc from 'fast-check';

/** Every procedure with the input fields it declares (apps/api/README.md, Procedures). */
export const PROCEDURES = {
  'auth.signup': ['username', 'password', 'refreshTransport', 'email'],
  'auth.login': ['username', 'password', 'refreshTransport', 'deviceToken'],
  'auth.refresh': ['refreshToken', 'refreshTransport'],
  'auth.logout': ['refreshToken'],
  'auth.logoutAll': [],
  'auth.me': [],
  'auth.sessions': [],
  'auth.revokeSession': ['sessionId'],
  'auth.changePassword': ['currentPassword', 'newPassword'],
  'auth.auditEvents': [],
  'auth.email': [],
  'auth.changeEmail': ['email'],
  'auth.verifyEmail': ['token'],
  'auth.requestPasswordReset': ['identifier'],
  'auth.resetPassword': ['token', 'newPassword'],
  'dev.mailbox': [],
  'tasks.list': [],
  'tasks.create': ['title'],
  'tasks.update': ['id', 'title', 'done'],
  'tasks.delete': ['id'],
  'admin.users': [],
  'admin.setRole': ['userId', 'role'],
  'admin.disableUser': ['userId'],
  'admin.enableUser': ['userId'],
  'admin.userSessions': ['userId'],
  'admin.revokeSession': ['userId', 'sessionId'],
  'auth.endedSessions': [],
} as const satisfies Record<string, readonly string[]>;

export type ProcedureName = keyof typeof PROCEDURES;
const QUERIES = new Set([
  'auth.me',
  'auth.sessions',
  'auth.endedSessions',
  'auth.auditEvents',
  'auth.email',
  'dev.mailbox',
  'tasks.list',
  'admin.users',
  'admin.userSessions',
]);
const procedureNames = Object.keys(PROCEDURES) as ProcedureName[];
const SESSION_ENDING: ReadonlySet<string> = new Set(['auth.logout', 'auth.logoutAll', 'auth.changePassword']);

/** Fields whose values are free text (textSchema in src/routers/text-schema.ts), with their maximum length. */
const TEXT_FIELD_MAX_LENGTH: Readonly<Record<string, number>> = {
  username: 32,
  password: PASSWORD_MAX_LENGTH * 4,
  currentPassword: PASSWORD_MAX_LENGTH * 4,
  newPassword: PASSWORD_MAX_LENGTH * 4,
  refreshToken: 256,
  deviceToken: 128,
  title: 1000,
};

/**
 * Stands for the live refresh token in a generated body; sendFuzzRequest puts the real one in its place (it
 * changes during a run, the generated requests do not).
 */
export const LIVE_REFRESH_TOKEN = 'lkr_LIVE_REFRESH_TOKEN_PLACEHOLDER_fuzz_0000000';

/** Credentials the generator may use: real ones make the requests reach the resolvers. */
export interface FuzzCredentials {
  userToken: () => string;
  adminToken: () => string;
  /** A live refresh token (body transport), to put in bodies and cookies. */
  refreshToken: () => string;
  /** Ids that exist: the caller's own task and session, another user's task and session. */
  knownIds: readonly string[];
  /** Usernames that exist (login and signup then meet a real account) and the password they all have. */
  knownUsernames: readonly string[];
  knownPassword: string;
  allowedOrigin: string;
}

/** What the generator needs to know up front (the tokens change during a run and are read when sending). */
export type FuzzKnowledge = Pick<FuzzCredentials, 'knownIds' | 'knownUsernames' | 'knownPassword'>;

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
  /** Asks for tRPC's streamed answer (`trpc-accept: application/jsonl`; streamed only for a batch). */
  streamed: boolean;
  /** A text field carries hostile text (see `hostileText`). */
  hostileText: boolean;
  /** The body is sent with a byte that is not UTF-8 (0xFF) in it. */
  invalidUtf8: boolean;
}

// Characters that must never reach PostgreSQL unchecked (NUL, lone surrogates) or that mean something other
// than what they show: C0 and C1 controls (ESC and CSI start terminal escapes), DEL, bidi embeddings,
// overrides and isolates, zero-width and other format characters, line and paragraph separators,
// noncharacters, a combining mark, and the escaped forms a careless decoder might turn into the real thing.
const UNSTORABLE_UNITS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff'] as const;
const HOSTILE_UNITS = [
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\u0301',
  '\t',
  '\r\n',
  '%00',
  '\\u0000',
  '\\x00',
] as const;

// What PostgreSQL cannot store comes up as often as all the rest together: it is what a 500 would come from.
const hostileUnit = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...UNSTORABLE_UNITS) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_UNITS) },
);

/** `valid` made hostile: a hostile character (or a few) inserted anywhere, or the value made overlong. */
function hostileText(field: string, valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const maxLength = TEXT_FIELD_MAX_LENGTH[field] ?? 256;
  const inserted = fc
    .tuple(valid, fc.array(fc.tuple(hostileUnit, fc.nat()), { minLength: 1, maxLength: 3 }))
    .map(([value, insertions]) =>
      insertions.reduce((text, [unit, at]) => {
        const index = at % (text.length + 1);
        return text.slice(0, index) + unit + text.slice(index);
      }, value),
    );
  const overlong = fc
    .tuple(
      fc.constantFrom('a', 'é', '😀', '\u0000', '\u202e', ' '),
      fc.oneof(
        fc.constant(maxLength + 1),
        fc.integer({ min: maxLength + 1, max: maxLength * 4 }),
        fc.constant(1_000_000),
      ),
    )
    // Counted in UTF-16 code units, as zod counts; the 1,000,000 ones are over the body limit as well.
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));
  return fc.oneof({ weight: 4, arbitrary: inserted }, { weight: 1, arbitrary: overlong });
}

/** A value the field's schema accepts (mostly: a generated title can still be all spaces). */
function validValue(field: string, knowledge: FuzzKnowledge): fc.Arbitrary<unknown> {
  const known = (values: readonly string[], fallback: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    values.length > 0 ? fc.oneof(fc.constantFrom(...values), fallback) : fallback;
  const password = fc.oneof(
    fc.constant(knowledge.knownPassword),
    fc.string({ unit: 'grapheme', minLength: 12, maxLength: 40 }),
  );
  const byField: Record<string, fc.Arbitrary<unknown>> = {
    username: known(knowledge.knownUsernames, fc.stringMatching(/^[A-Za-z0-9._-]{3,32}$/)),
    password,
    currentPassword: password,
    newPassword: fc.string({ unit: 'grapheme', minLength: 12, maxLength: 40 }),
    refreshTransport: fc.constantFrom('cookie', 'body'),
    refreshToken: fc.constant(LIVE_REFRESH_TOKEN),
    // Absent (the usual login), or shaped like one that was issued but signed by nobody.
    deviceToken: fc.option(fc.stringMatching(/^lkd1\.[0-9]{13}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/), {
      nil: undefined,
    }),
    role: fc.constantFrom('user', 'admin'),
    done: fc.boolean(),
    title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
  };
  if (['sessionId', 'id', 'userId'].includes(field))
    return knowledge.knownIds.length > 0 ? fc.constantFrom(...knowledge.knownIds) : fc.uuid();
  return byField[field] ?? fc.string({ maxLength: 20 });
}

/** The input a well-formed call sends: every declared field valid, or all valid but one made hostile. */
function wellFormedInput(
  fields: readonly string[],
  knowledge: FuzzKnowledge,
  options: { hostile: boolean },
): fc.Arbitrary<{ json: Record<string, unknown>; hostileText: boolean }> {
  const valid = fc.tuple(...fields.map((field) => validValue(field, knowledge)));
  // Every field that travels as a string: the free-text ones, and the enums and ids, which must refuse it too.
  const stringFields = fields.filter((field) => field !== 'done');
  if (!options.hostile || stringFields.length === 0) {
    return valid.map((values) => ({
      json: Object.fromEntries(fields.map((field, index) => [field, values[index]])),
      hostileText: false,
    }));
  }
  return fc.tuple(valid, fc.constantFrom(...stringFields)).chain(([values, target]) =>
    hostileText(
      target,
      validValue(target, knowledge).map((value) => (typeof value === 'string' ? value : String(value))),
    ).map((hostile) => ({
      json: Object.fromEntries(
        fields.map((field, index) => [field, field === target ? hostile : values[index]]),
      ),
      hostileText: true,
    })),
  );
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
    hostileText(field, fc.string({ maxLength: 20 })),
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
    deviceToken: fc.oneof(
      fc.stringMatching(/^lkd1(\.[A-Za-z0-9_-]{0,44}){0,4}$/),
      fc.string({ maxLength: 200 }),
    ),
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
type GeneratedInput = ({ json: unknown } | { raw: string }) & { hostileText?: boolean };

function inputFor(procedure: string, knowledge: FuzzKnowledge): fc.Arbitrary<GeneratedInput> {
  const { knownIds } = knowledge;
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
    { weight: 8, arbitrary: wellFormedInput(fields, knowledge, { hostile: false }) },
    { weight: 4, arbitrary: wellFormedInput(fields, knowledge, { hostile: true }) },
    { weight: 4, arbitrary: shaped },
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

function serialise(input: GeneratedInput): string {
  return 'raw' in input ? input.raw : JSON.stringify(input.json);
}

/** The request generator. */
export function fuzzRequest(knowledge: FuzzKnowledge): fc.Arbitrary<FuzzRequest> {
  const procedure = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...procedureNames.filter((name) => !SESSION_ENDING.has(name))) },
    // Rarer: when they succeed they end the session the following calls use.
    { weight: 2, arbitrary: fc.constantFrom(...procedureNames.filter((name) => SESSION_ENDING.has(name))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('auth', 'auth.', 'nope.nope', '__proto__', 'auth.me/x', '%2e%2e'),
    },
  );
  const single = procedure.chain((name) =>
    fc.record({
      procedures: fc.constant([name]),
      batch: fc.constant(false),
      input: fc.option(inputFor(name, knowledge), { freq: 8 }),
    }),
  );
  const batch = fc.array(procedure, { minLength: 1, maxLength: 18 }).chain((names) =>
    fc.tuple(...names.map((name) => fc.option(inputFor(name, knowledge), { freq: 6 }))).map((inputs) => {
      const entries = inputs.flatMap((input, index) =>
        input === null ? [] : [`"${index}":${serialise(input)}`],
      );
      return {
        procedures: names,
        batch: true,
        payload: `{${entries.join(',')}}` as string | null,
        hostileText: inputs.some((input) => input?.hostileText === true),
      };
    }),
  );
  const call = fc.oneof(
    {
      weight: 4,
      arbitrary: single.map(({ input, ...rest }) => ({
        ...rest,
        payload: input === null ? null : serialise(input),
        hostileText: input?.hostileText === true,
      })),
    },
    { weight: 1, arbitrary: batch },
  );
  return fc
    .record({
      method: fc.oneof(
        { weight: 40, arbitrary: fc.constant('expected') },
        { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      ),
      call,
      // Mostly a real token, so protected procedures run; every way a token can be wrong still comes up.
      token: fc.oneof(
        { weight: 5, arbitrary: fc.constant<TokenChoice>('user') },
        { weight: 3, arbitrary: fc.constant<TokenChoice>('admin') },
        {
          weight: 4,
          arbitrary: fc.constantFrom<TokenChoice>('none', 'random', 'forged', 'malformed-scheme'),
        },
      ),
      randomToken: fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ maxLength: 400 })),
      refreshCookie: fc.constantFrom('none', 'none', 'real', 'random'),
      origin: fc.constantFrom('none', 'allowed', 'foreign', 'null'),
      contentType: fc.oneof(
        { weight: 30, arbitrary: fc.constant('application/json') },
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
      invalidUtf8: fc.oneof(
        { weight: 30, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      streamed: fc.oneof(
        { weight: 10, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ call: generated, method, ...rest }) => ({
      ...rest,
      ...generated,
      // Mostly the method the (first) procedure expects, so the calls reach the resolvers.
      method:
        method === 'expected' ? (QUERIES.has(generated.procedures.at(0) ?? '') ? 'GET' : 'POST') : method,
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

/** The payload's UTF-8 bytes with a 0xFF (never valid in UTF-8) in the middle. */
function notUtf8(payload: string): Uint8Array {
  const bytes = Buffer.from(payload, 'utf8');
  const middle = Math.floor(bytes.length / 2);
  return Buffer.concat([bytes.subarray(0, middle), Buffer.from([0xff]), bytes.subarray(middle)]);
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
  if (request.streamed) headers['trpc-accept'] = 'application/jsonl';
  const query = new URLSearchParams();
  if (request.batch) query.set('batch', '1');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const payload = request.payload?.replaceAll(LIVE_REFRESH_TOKEN, credentials.refreshToken()) ?? null;
  if (!hasBody && payload !== null) query.set('input', payload);
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
      ...(hasBody && payload !== null ? { body: request.invalidUtf8 ? notUtf8(payload) : payload } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.text();
    // An internal error inside a 207 batch or a streamed 200 is as much a 5xx as one in the status line.
    return body.includes('"INTERNAL_SERVER_ERROR"') ? 500 : response.status;
  } catch {
    return -1;
  }
}
