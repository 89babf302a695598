import { createHmac, createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto';

import fc from 'fast-check';
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';

import { MAX_ACCESS_TOKEN_LENGTH, createAccessTokenService } from './access-token.js';
import type { AccessTokenService, AccessTokenServiceOptions } from './access-token.js';
import { AuthError } from './errors.js';
import type { TokenFailureDetail } from './errors.js';
import { generateJwtSecret, parseJwtSecret } from './jwt-secret.js';
import { generateSigningKey, rotateKeySet } from './key-set.js';
import type { StoredKey } from './key-set.js';
import { hmacSigningKeys, keySetSigningKeys } from './signing-keys.js';

const ISSUER = 'https://auth.latchkey.test';
const AUDIENCE = 'latchkey-api';
const TTL_SECONDS = 900;
const START_MS = Date.parse('2026-03-01T12:00:00Z');
const NOW_S = START_MS / 1000;

/** A clock the test moves by hand. */
function fakeClock(startMs = START_MS): {
  now: () => Date;
  set(ms: number): void;
  advance(seconds: number): void;
} {
  let current = startMs;
  return {
    now: () => new Date(current),
    set: (ms) => {
      current = ms;
    },
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function hmacToken(header: unknown, payload: unknown, key: Uint8Array | string, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

function ed25519Token(header: unknown, payload: unknown, privateJwk: StoredKey['privateJwk']): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  return `${input}.${nodeSign(null, Buffer.from(input), key).toString('base64url')}`;
}

function unsignedToken(header: unknown, payload: unknown): string {
  return `${b64(header)}.${b64(payload)}.`;
}

function claims(
  overrides: Record<string, unknown> = {},
  remove: readonly string[] = [],
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    sid: 'session-1',
    role: 'user',
    jti: 'token-1',
    iat: NOW_S,
    exp: NOW_S + TTL_SECONDS,
    auth_time: NOW_S - 60,
    ...overrides,
  };
  for (const name of remove) Reflect.deleteProperty(base, name);
  return base;
}

/** A placeholder that `withRawNumber` replaces, for numbers JSON.stringify cannot write (1e999 is Infinity). */
const RAW = '__raw_number__';

function withRawNumber(payload: Record<string, unknown>, literal: string): string {
  return JSON.stringify(payload).replace(JSON.stringify(RAW), literal);
}

/** Flips one character to another base64url character, keeping the token's shape. */
function alterCharacter(token: string, index: number): string {
  const current = token.charAt(index);
  const replacement = current === 'A' ? 'B' : 'A';
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

async function failure(service: AccessTokenService, token: string): Promise<AuthError> {
  try {
    await service.verify(token);
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw new Error(`verify threw a non-AuthError: ${String(error)}`);
  }
  throw new Error('verify accepted the token');
}

interface Fixture {
  secret: Uint8Array;
  hsKid: string;
  edKey: StoredKey;
  esKey: StoredKey;
  hs: AccessTokenService;
  ed: AccessTokenService;
  es: AccessTokenService;
  hsToken: string;
  edToken: string;
}

let f: Fixture;

function serviceOptions(
  keys: AccessTokenServiceOptions['keys'],
  extra: Partial<AccessTokenServiceOptions> = {},
): AccessTokenServiceOptions {
  return {
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    ttlSeconds: TTL_SECONDS,
    now: () => new Date(START_MS),
    ...extra,
  };
}

const subject = {
  userId: 'user-1',
  sessionId: 'session-1',
  role: 'user',
  authTime: new Date(START_MS - 60_000),
};

// Built before each test, not once in a file-level beforeAll: every test then runs the key import and signing
// code, so a mutant there is tried against the whole file, and a fixture that fails fails each test instead of
// skipping them (Stryker's vitest runner 9.6 counts tests skipped by a file-level hook as passing).
beforeEach(async () => {
  const secret = parseJwtSecret(generateJwtSecret());
  const edKey = await generateSigningKey('EdDSA');
  const esKey = await generateSigningKey('ES256');
  const hs = await createAccessTokenService(serviceOptions(hmacSigningKeys(secret)));
  const ed = await createAccessTokenService(serviceOptions(keySetSigningKeys({ keys: [edKey] })));
  const es = await createAccessTokenService(serviceOptions(keySetSigningKeys({ keys: [esKey] })));
  const hsToken = (await hs.issue(subject)).token;
  const edToken = (await ed.issue(subject)).token;
  const hsKid = decodeProtectedHeader(hsToken).kid ?? '';
  f = { secret, hsKid, edKey, esKey, hs, ed, es, hsToken, edToken };
});

describe('issue and verify', () => {
  it.each(['hs', 'ed', 'es'] as const)('round-trips a subject through %s', async (name) => {
    const service = f[name];
    const issued = await service.issue(subject);
    const verified = await service.verify(issued.token);
    expect(verified).toEqual({
      ...subject,
      issuedAt: new Date(START_MS),
      expiresAt: new Date(START_MS + TTL_SECONDS * 1000),
      tokenId: issued.tokenId,
    });
    expect(issued.expiresAt).toEqual(new Date(START_MS + TTL_SECONDS * 1000));
    expect(decodeProtectedHeader(issued.token)).toMatchObject({ typ: 'at+jwt', alg: service.algorithm });
    expect(decodeProtectedHeader(issued.token).kid).toEqual(expect.any(String));
  });

  it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT'])(
    'accepts the typ spelling %s (RFC 9068 §4, media types are case-insensitive)',
    async (typ) => {
      await expect(f.hs.verify(hsSigned(hsHeader({ typ }), claims()))).resolves.toMatchObject({
        userId: 'user-1',
      });
    },
  );

  it('accepts and caches a token of exactly the maximum length, and refuses one character more', async () => {
    // Pad a header member and a claim until the signed token has exactly the maximum length.
    let atCap = '';
    for (let headerPad = 0; headerPad < 4 && atCap === ''; headerPad++) {
      for (let claimPad = 5000; claimPad < 6500 && atCap === ''; claimPad++) {
        const token = hsSigned(
          hsHeader({ pad: 'h'.repeat(headerPad) }),
          claims({ pad: 'c'.repeat(claimPad) }),
        );
        if (token.length === MAX_ACCESS_TOKEN_LENGTH) atCap = token;
      }
    }
    expect(atCap).toHaveLength(MAX_ACCESS_TOKEN_LENGTH);
    await expect(f.hs.verify(atCap)).resolves.toMatchObject({ userId: 'user-1' });
    await expect(f.hs.verify(atCap)).resolves.toMatchObject({ userId: 'user-1' });
    expect(f.hs.cacheStats()).toMatchObject({ hits: 1, misses: 1 });
    expect(await failure(f.hs, `${atCap}A`)).toMatchObject({ detail: 'TOO_LARGE' });
  });

  it('reports the algorithm of the signing key', () => {
    expect([f.hs.algorithm, f.ed.algorithm, f.es.algorithm]).toEqual(['HS256', 'EdDSA', 'ES256']);
  });

  it('round-trips arbitrary valid subjects (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          userId: fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
          sessionId: fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
          role: fc.string({ minLength: 1, maxLength: 16 }),
          authTime: fc.date({ min: new Date(0), max: new Date(START_MS), noInvalidDate: true }),
        }),
        fc.constantFrom('hs', 'ed', 'es'),
        async (generated, name) => {
          const service = f[name];
          const issued = await service.issue(generated);
          const verified = await service.verify(issued.token);
          expect(verified.userId).toBe(generated.userId);
          expect(verified.sessionId).toBe(generated.sessionId);
          expect(verified.role).toBe(generated.role);
          expect(verified.authTime.getTime()).toBe(Math.floor(generated.authTime.getTime() / 1000) * 1000);
          expect(verified.tokenId).toBe(issued.tokenId);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects any single changed character anywhere in the token, even once the original is cached (property)', async () => {
    for (const [service, token] of [
      [f.hs, f.hsToken],
      [f.ed, f.edToken],
    ] as const) {
      await service.verify(token);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: token.length - 1 }),
          fc.constantFrom(
            ...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9'),
          ),
          async (index, replacement) => {
            fc.pre(token.charAt(index) !== replacement);
            const altered = token.slice(0, index) + replacement + token.slice(index + 1);
            const error = await failure(service, altered);
            expect(error.code).toBe('TOKEN_INVALID');
          },
        ),
        { numRuns: 400 },
      );
    }
  });

  it('rejects a signature spelled with non-zero unused bits, which decodes to the same bytes', async () => {
    // Ed25519 signatures are 64 bytes, 86 base64url characters: the last one carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signature = f.edToken.slice(f.edToken.lastIndexOf('.') + 1);
    const sibling = alphabet.charAt(alphabet.indexOf(signature.charAt(signature.length - 1)) ^ 1);
    const spelledDifferently = signature.slice(0, -1) + sibling;
    expect(Buffer.from(spelledDifferently, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    const altered = f.edToken.slice(0, f.edToken.lastIndexOf('.') + 1) + spelledDifferently;
    expect(await failure(f.ed, altered)).toMatchObject({ code: 'TOKEN_INVALID', detail: 'MALFORMED' });
  });
});

interface ForgeryCase {
  name: string;
  service: 'hs' | 'ed' | 'es';
  token: () => string;
  detail: TokenFailureDetail;
  code?: 'TOKEN_INVALID' | 'TOKEN_EXPIRED';
  /** jose found the failure (the error's `cause` is jose's); otherwise our checks refused it before jose ran. */
  jose?: true;
}

const hsHeader = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: 'HS256',
  typ: 'at+jwt',
  kid: f.hsKid,
  ...overrides,
});
const hsSigned = (header: Record<string, unknown>, payload: unknown): string =>
  hmacToken(header, payload, f.secret);
/** Signs two already-encoded segments with the fixture's HS256 secret. */
const hmacSignedSegments = (header: string, payload: string): string =>
  `${header}.${payload}.${createHmac('sha256', f.secret).update(`${header}.${payload}`).digest('base64url')}`;
/** base64url of the JSON with the RAW placeholder replaced by a string holding the lone byte 0xFF. */
const withInvalidUtf8 = (value: Record<string, unknown>): string => {
  const [before = '', after = ''] = JSON.stringify(value).split(JSON.stringify(RAW));
  return Buffer.concat([Buffer.from(`${before}"`), Buffer.from([0xff]), Buffer.from(`"${after}`)]).toString(
    'base64url',
  );
};
const edHeader = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: 'EdDSA',
  typ: 'at+jwt',
  kid: f.edKey.kid,
  ...overrides,
});
const edPublicPem = (): string =>
  createPublicKey(createPrivateKey({ key: f.edKey.privateJwk, format: 'jwk' }))
    .export({ type: 'spki', format: 'pem' })
    .toString();
const esPublicPem = (): string =>
  createPublicKey(createPrivateKey({ key: f.esKey.privateJwk, format: 'jwk' }))
    .export({ type: 'spki', format: 'pem' })
    .toString();

const forgeries: ForgeryCase[] = [
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): ForgeryCase[] => [
    {
      name: `alg "${alg}" (HS256 service)`,
      service: 'hs',
      token: () => unsignedToken(hsHeader({ alg }), claims()),
      detail: 'ALG_NOT_ALLOWED',
    },
    {
      name: `alg "${alg}" (EdDSA service)`,
      service: 'ed',
      token: () => unsignedToken(edHeader({ alg }), claims()),
      detail: 'ALG_NOT_ALLOWED',
    },
  ]),
  {
    name: 'alg "none" with a kid we do not hold (alg is checked first)',
    service: 'hs',
    token: () => unsignedToken(hsHeader({ alg: 'none', kid: 'not-a-key-we-hold' }), claims()),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'header with invalid UTF-8 inside a string, correctly signed',
    service: 'hs',
    token: () => hmacSignedSegments(withInvalidUtf8(hsHeader({ note: RAW })), b64(claims())),
    detail: 'MALFORMED',
  },
  {
    name: 'payload with invalid UTF-8 inside a string, correctly signed',
    service: 'hs',
    token: () => hmacSignedSegments(b64(hsHeader()), withInvalidUtf8(claims({ note: RAW }))),
    detail: 'MALFORMED',
  },
  {
    name: 'stripped signature, trailing dot kept',
    service: 'hs',
    token: () => f.hsToken.slice(0, f.hsToken.lastIndexOf('.') + 1),
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'stripped signature, trailing dot removed',
    service: 'hs',
    token: () => f.hsToken.slice(0, f.hsToken.lastIndexOf('.')),
    detail: 'MALFORMED',
  },
  {
    name: 'stripped signature (EdDSA)',
    service: 'ed',
    token: () => f.edToken.slice(0, f.edToken.lastIndexOf('.') + 1),
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'altered signature (HS256)',
    service: 'hs',
    token: () => alterCharacter(f.hsToken, f.hsToken.length - 10),
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'altered signature (EdDSA)',
    service: 'ed',
    token: () => alterCharacter(f.edToken, f.edToken.length - 10),
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'altered payload (role: admin) with the original signature',
    service: 'hs',
    token: () => {
      const [header, , signature] = f.hsToken.split('.');
      return `${header ?? ''}.${b64(claims({ role: 'admin' }))}.${signature ?? ''}`;
    },
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'altered payload (EdDSA)',
    service: 'ed',
    token: () => {
      const [header, , signature] = f.edToken.split('.');
      return `${header ?? ''}.${b64(claims({ sub: 'someone-else' }))}.${signature ?? ''}`;
    },
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'HS256 signed with the EdDSA public key PEM (alg confusion)',
    service: 'ed',
    token: () => hmacToken(edHeader({ alg: 'HS256' }), claims(), edPublicPem()),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with the EdDSA public JWK x (alg confusion)',
    service: 'ed',
    token: () =>
      hmacToken(edHeader({ alg: 'HS256' }), claims(), Buffer.from(String(f.edKey.privateJwk.x), 'base64url')),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with the ES256 public key PEM (alg confusion)',
    service: 'es',
    token: () => hmacToken({ alg: 'HS256', typ: 'at+jwt', kid: f.esKey.kid }, claims(), esPublicPem()),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 with an empty key',
    service: 'hs',
    token: () => hmacToken(hsHeader(), claims(), ''),
    detail: 'BAD_SIGNATURE',
    jose: true,
  },
  {
    name: 'HS512 with the real secret',
    service: 'hs',
    token: () => hmacToken(hsHeader({ alg: 'HS512' }), claims(), f.secret, 'sha512'),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'HS384 with the real secret',
    service: 'hs',
    token: () => hmacToken(hsHeader({ alg: 'HS384' }), claims(), f.secret, 'sha384'),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'EdDSA token presented to the HS256 service',
    service: 'hs',
    token: () => f.edToken,
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 token presented to the EdDSA service',
    service: 'ed',
    token: () => f.hsToken,
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'ES256 header against an EdDSA-only key set',
    service: 'ed',
    token: () => unsignedToken(edHeader({ alg: 'ES256' }), claims()) + 'AAAA',
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'alg missing',
    service: 'hs',
    token: () => hsSigned(hsHeader({ alg: undefined }), claims()),
    detail: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'wrong iss',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ iss: 'https://evil.test' })),
    detail: 'CLAIM_ISS',
    jose: true,
  },
  {
    name: 'missing iss',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['iss'])),
    detail: 'CLAIM_ISS',
    jose: true,
  },
  {
    name: 'wrong aud',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ aud: 'another-api' })),
    detail: 'CLAIM_AUD',
    jose: true,
  },
  {
    name: 'aud array without ours',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ aud: ['a', 'b'] })),
    detail: 'CLAIM_AUD',
    jose: true,
  },
  {
    name: 'typ "JWT"',
    service: 'hs',
    token: () => hsSigned(hsHeader({ typ: 'JWT' }), claims()),
    detail: 'TYP',
  },
  {
    name: 'typ missing',
    service: 'hs',
    token: () => hsSigned(hsHeader({ typ: undefined }), claims()),
    detail: 'TYP',
  },
  {
    name: 'typ "application/jwt"',
    service: 'ed',
    token: () => ed25519Token(edHeader({ typ: 'application/jwt' }), claims(), f.edKey.privateJwk),
    detail: 'TYP',
  },
  {
    name: 'exp missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['exp'])),
    detail: 'EXP_MISSING',
    jose: true,
  },
  {
    name: 'exp a string',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ exp: String(NOW_S + 60) })),
    detail: 'CLAIM_EXP',
    jose: true,
  },
  {
    name: 'sub missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['sub'])),
    detail: 'CLAIM_SUB',
    jose: true,
  },
  {
    name: 'sub a number',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ sub: 42 })),
    detail: 'CLAIM_SUB',
  },
  {
    name: 'sid missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['sid'])),
    detail: 'CLAIM_SID',
    jose: true,
  },
  {
    name: 'sid empty',
    service: 'ed',
    token: () => ed25519Token(edHeader(), claims({ sid: '' }), f.edKey.privateJwk),
    detail: 'CLAIM_SID',
  },
  {
    name: 'role missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['role'])),
    detail: 'CLAIM_ROLE',
    jose: true,
  },
  {
    name: 'jti missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['jti'])),
    detail: 'CLAIM_JTI',
    jose: true,
  },
  {
    name: 'iat missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['iat'])),
    detail: 'CLAIM_IAT',
    jose: true,
  },
  {
    name: 'sub empty',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ sub: '' })),
    detail: 'CLAIM_SUB',
  },
  {
    name: 'role a number',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ role: 1 })),
    detail: 'CLAIM_ROLE',
  },
  {
    name: 'role empty',
    service: 'ed',
    token: () => ed25519Token(edHeader(), claims({ role: '' }), f.edKey.privateJwk),
    detail: 'CLAIM_ROLE',
  },
  {
    name: 'role an array',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ role: ['admin'] })),
    detail: 'CLAIM_ROLE',
  },
  {
    name: 'jti empty',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ jti: '' })),
    detail: 'CLAIM_JTI',
  },
  {
    name: 'jti a number',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ jti: 7 })),
    detail: 'CLAIM_JTI',
  },
  {
    name: 'iat a string',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ iat: String(NOW_S) })),
    detail: 'CLAIM_IAT',
    jose: true,
  },
  {
    name: 'iat negative',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ iat: -1 })),
    detail: 'CLAIM_IAT',
  },
  {
    name: 'iat 1e999 (JSON for Infinity)',
    service: 'hs',
    token: () => hsSigned(hsHeader(), withRawNumber(claims({ iat: RAW }), '1e999')),
    detail: 'CLAIM_IAT',
  },
  {
    name: 'exp 1e999 (JSON for Infinity)',
    service: 'hs',
    token: () => hsSigned(hsHeader(), withRawNumber(claims({ exp: RAW }), '1e999')),
    detail: 'CLAIM_EXP',
  },
  {
    name: 'nbf a string',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ nbf: String(NOW_S) })),
    detail: 'CLAIM_NBF',
    jose: true,
  },
  {
    name: 'auth_time missing',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({}, ['auth_time'])),
    detail: 'CLAIM_AUTH_TIME',
    jose: true,
  },
  {
    name: 'auth_time negative',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ auth_time: -1 })),
    detail: 'CLAIM_AUTH_TIME',
  },
  {
    name: 'auth_time 1e999 (JSON for Infinity)',
    service: 'hs',
    token: () => hsSigned(hsHeader(), withRawNumber(claims({ auth_time: RAW }), '1e999')),
    detail: 'CLAIM_AUTH_TIME',
  },
  {
    name: 'auth_time a string',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ auth_time: 'yesterday' })),
    detail: 'CLAIM_AUTH_TIME',
  },
  {
    name: 'auth_time in the future',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ auth_time: NOW_S + 3600 })),
    detail: 'CLAIM_AUTH_TIME',
  },
  {
    name: 'exp far in the past',
    service: 'hs',
    token: () =>
      hsSigned(
        hsHeader(),
        claims({ iat: NOW_S - 86_400, exp: NOW_S - 86_400 + 900, auth_time: NOW_S - 86_400 }),
      ),
    detail: 'EXPIRED',
    code: 'TOKEN_EXPIRED',
    jose: true,
  },
  {
    name: 'exp far in the past (EdDSA)',
    service: 'ed',
    token: () => ed25519Token(edHeader(), claims({ exp: 1 }), f.edKey.privateJwk),
    detail: 'EXPIRED',
    code: 'TOKEN_EXPIRED',
    jose: true,
  },
  {
    name: 'nbf in the future',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ nbf: NOW_S + 3600 })),
    detail: 'NOT_YET_VALID',
    jose: true,
  },
  {
    name: 'iat in the future beyond the skew',
    service: 'hs',
    token: () => hsSigned(hsHeader(), claims({ iat: NOW_S + 3600, exp: NOW_S + 4500 })),
    detail: 'IAT_IN_FUTURE',
  },
  {
    name: 'unknown crit extension',
    service: 'hs',
    token: () => hsSigned(hsHeader({ crit: ['x-latchkey'], 'x-latchkey': 1 }), claims()),
    detail: 'CRIT',
  },
  {
    name: 'crit naming b64',
    service: 'ed',
    token: () => ed25519Token(edHeader({ crit: ['b64'], b64: false }), claims(), f.edKey.privateJwk),
    detail: 'CRIT',
  },
  {
    name: 'embedded jwk (attacker key)',
    service: 'ed',
    token: () =>
      ed25519Token(
        edHeader({ jwk: { kty: 'OKP', crv: 'Ed25519', x: f.edKey.privateJwk.x } }),
        claims(),
        f.edKey.privateJwk,
      ),
    detail: 'EMBEDDED_KEY',
  },
  {
    name: 'jku pointing elsewhere',
    service: 'ed',
    token: () => ed25519Token(edHeader({ jku: 'https://evil.test/jwks.json' }), claims(), f.edKey.privateJwk),
    detail: 'EMBEDDED_KEY',
  },
  {
    name: 'x5u pointing elsewhere',
    service: 'hs',
    token: () => hsSigned(hsHeader({ x5u: 'https://evil.test/cert.pem' }), claims()),
    detail: 'EMBEDDED_KEY',
  },
  {
    name: 'x5c chain',
    service: 'ed',
    token: () => ed25519Token(edHeader({ x5c: ['MIIB'] }), claims(), f.edKey.privateJwk),
    detail: 'EMBEDDED_KEY',
  },
  {
    name: 'kid path traversal',
    service: 'ed',
    token: () => ed25519Token(edHeader({ kid: '../../etc/passwd' }), claims(), f.edKey.privateJwk),
    detail: 'UNKNOWN_KID',
  },
  {
    name: 'kid path traversal (HS256)',
    service: 'hs',
    token: () => hmacToken(hsHeader({ kid: '../../etc/passwd' }), claims(), ''),
    detail: 'UNKNOWN_KID',
  },
  {
    name: 'kid "__proto__"',
    service: 'ed',
    token: () => ed25519Token(edHeader({ kid: '__proto__' }), claims(), f.edKey.privateJwk),
    detail: 'UNKNOWN_KID',
  },
  {
    name: 'unknown kid',
    service: 'ed',
    token: () => ed25519Token(edHeader({ kid: 'not-a-key-we-hold' }), claims(), f.edKey.privateJwk),
    detail: 'UNKNOWN_KID',
  },
  {
    name: 'kid missing',
    service: 'hs',
    token: () => hsSigned(hsHeader({ kid: undefined }), claims()),
    detail: 'UNKNOWN_KID',
  },
  {
    name: 'kid a number',
    service: 'hs',
    token: () => hsSigned(hsHeader({ kid: 1 }), claims()),
    detail: 'UNKNOWN_KID',
  },
  { name: 'one segment', service: 'hs', token: () => b64(hsHeader()), detail: 'MALFORMED' },
  {
    name: 'two segments',
    service: 'hs',
    token: () => `${b64(hsHeader())}.${b64(claims())}`,
    detail: 'MALFORMED',
  },
  { name: 'four segments', service: 'hs', token: () => `${f.hsToken}.${b64('x')}`, detail: 'MALFORMED' },
  {
    name: 'five segments (a JWE shape)',
    service: 'hs',
    token: () => `${b64({ alg: 'dir', enc: 'A256GCM' })}..AAAA.AAAA.AAAA`,
    detail: 'MALFORMED',
  },
  {
    name: 'padded base64 (=)',
    service: 'hs',
    token: () => f.hsToken.replace('.', '=.'),
    detail: 'MALFORMED',
  },
  {
    name: 'standard base64 alphabet (+ and /)',
    service: 'hs',
    token: () => `${b64(hsHeader())}+/.${b64(claims())}.AAAA`,
    detail: 'MALFORMED',
  },
  {
    name: 'bad JSON in the header',
    service: 'hs',
    token: () => `${b64('{"alg":"HS256",')}.${b64(claims())}.AAAA`,
    detail: 'MALFORMED',
  },
  {
    name: 'bad JSON in the payload',
    service: 'hs',
    token: () => `${b64(hsHeader())}.${b64('{"sub":')}.AAAA`,
    detail: 'MALFORMED',
  },
  {
    name: 'header not UTF-8',
    service: 'hs',
    token: () => `${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${b64(claims())}.AAAA`,
    detail: 'MALFORMED',
  },
  {
    name: 'header is an array',
    service: 'hs',
    token: () => hsSigned([] as unknown as Record<string, unknown>, claims()),
    detail: 'MALFORMED',
  },
  {
    name: 'payload is an array',
    service: 'hs',
    token: () => hsSigned(hsHeader(), [claims()]),
    detail: 'MALFORMED',
  },
  { name: 'payload is a number', service: 'hs', token: () => hsSigned(hsHeader(), 42), detail: 'MALFORMED' },
  { name: 'payload is null', service: 'hs', token: () => hsSigned(hsHeader(), null), detail: 'MALFORMED' },
  {
    name: 'payload is a JSON string',
    service: 'hs',
    token: () => hmacToken(hsHeader(), '"sub"', f.secret),
    detail: 'MALFORMED',
  },
  {
    name: 'a 1 MB token',
    service: 'hs',
    token: () => `${b64(hsHeader())}.${'A'.repeat(1024 * 1024)}.AAAA`,
    detail: 'TOO_LARGE',
  },
  {
    name: 'one character over the cap',
    service: 'ed',
    token: () => 'A'.repeat(MAX_ACCESS_TOKEN_LENGTH + 1),
    detail: 'TOO_LARGE',
  },
  { name: 'empty string', service: 'hs', token: () => '', detail: 'MALFORMED' },
  { name: 'whitespace', service: 'hs', token: () => '   ', detail: 'MALFORMED' },
  {
    name: 'a valid token with surrounding whitespace',
    service: 'hs',
    token: () => ` ${f.hsToken}\n`,
    detail: 'MALFORMED',
  },
  { name: 'dots only', service: 'ed', token: () => '..', detail: 'MALFORMED' },
  {
    name: '"Bearer " prefix left on',
    service: 'hs',
    token: () => `Bearer ${f.hsToken}`,
    detail: 'MALFORMED',
  },
  {
    name: 'non-canonical base64url in the signature',
    service: 'hs',
    token: () => `${f.hsToken.slice(0, f.hsToken.lastIndexOf('.') + 1)}AB`,
    detail: 'MALFORMED',
  },
];

describe('forged and malformed tokens', () => {
  it('has a table of at least 30 cases', () => {
    expect(forgeries.length).toBeGreaterThanOrEqual(30);
  });

  it.each(forgeries)('rejects: $name -> $detail', async ({ service, token, detail, code, jose }) => {
    const error = await failure(f[service], token());
    expect({ code: error.code, detail: error.detail }).toEqual({ code: code ?? 'TOKEN_INVALID', detail });
    expect({ byJose: error.cause instanceof joseErrors.JOSEError }).toEqual({ byJose: jose === true });
  });

  it.each([undefined, null, 42, {}, ['a.b.c']])(
    'turns a non-string (%s) into TOKEN_INVALID MALFORMED',
    async (value) => {
      const error = await failure(f.hs, value as string);
      expect({ code: error.code, detail: error.detail }).toEqual({
        code: 'TOKEN_INVALID',
        detail: 'MALFORMED',
      });
    },
  );

  it('never throws anything but an AuthError, whatever the input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc
            .array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 6 })
            .map((parts) => parts.join('.')),
          fc
            .array(fc.json(), { minLength: 3, maxLength: 3 })
            .map((parts) => parts.map((part) => b64(part)).join('.')),
        ),
        async (input) => {
          const error = await failure(f.ed, input);
          expect(error.code).toBe('TOKEN_INVALID');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('clock skew', () => {
  it('accepts an expired token for 29 seconds past exp and rejects it at 31', async () => {
    const clock = fakeClock();
    const service = await createAccessTokenService(
      serviceOptions(hmacSigningKeys(f.secret), { now: clock.now }),
    );
    const { token } = await service.issue(subject);
    clock.advance(TTL_SECONDS + 29);
    await expect(service.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    clock.advance(2);
    expect(await failure(service, token)).toMatchObject({ code: 'TOKEN_EXPIRED', detail: 'EXPIRED' });
  });

  it('accepts nbf and iat 29 seconds ahead and rejects them 31 seconds ahead', async () => {
    const accepted = [claims({ nbf: NOW_S + 29 }), claims({ iat: NOW_S + 29 })];
    for (const payload of accepted)
      await expect(f.hs.verify(hsSigned(hsHeader(), payload))).resolves.toMatchObject({
        sessionId: 'session-1',
      });
    expect(await failure(f.hs, hsSigned(hsHeader(), claims({ nbf: NOW_S + 31 })))).toMatchObject({
      detail: 'NOT_YET_VALID',
    });
    expect(await failure(f.hs, hsSigned(hsHeader(), claims({ iat: NOW_S + 31 })))).toMatchObject({
      detail: 'IAT_IN_FUTURE',
    });
  });

  it('accepts iat and auth_time exactly 30 seconds ahead, and at the epoch (0)', async () => {
    const accepted = [
      claims({ iat: NOW_S + 30 }),
      claims({ auth_time: NOW_S + 30 }),
      claims({ iat: 0, auth_time: 0 }),
    ];
    for (const payload of accepted)
      await expect(f.hs.verify(hsSigned(hsHeader(), payload))).resolves.toMatchObject({
        issuedAt: new Date(Number(payload.iat) * 1000),
        authTime: new Date(Number(payload.auth_time) * 1000),
      });
    expect(await failure(f.hs, hsSigned(hsHeader(), claims({ auth_time: NOW_S + 31 })))).toMatchObject({
      detail: 'CLAIM_AUTH_TIME',
    });
  });

  it('uses no skew when told 0, and refuses more than 30 seconds', async () => {
    const clock = fakeClock();
    const strict = await createAccessTokenService(
      serviceOptions(hmacSigningKeys(f.secret), { now: clock.now, clockToleranceSeconds: 0 }),
    );
    const { token } = await strict.issue(subject);
    clock.advance(TTL_SECONDS);
    expect(await failure(strict, token)).toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(
      createAccessTokenService(serviceOptions(hmacSigningKeys(f.secret), { clockToleranceSeconds: 31 })),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      detail: 'OPTIONS_INVALID',
    });
  });
});

describe('verified-token cache', () => {
  it('returns the same result on a hit, as an independent copy', async () => {
    const first = await f.hs.verify(f.hsToken);
    first.expiresAt.setTime(0);
    const second = await f.hs.verify(f.hsToken);
    expect(second).toEqual({ ...first, expiresAt: new Date(START_MS + TTL_SECONDS * 1000) });
  });

  it('does not serve an entry at or after exp: the token then fails as expired', async () => {
    const clock = fakeClock();
    const service = await createAccessTokenService(
      serviceOptions(hmacSigningKeys(f.secret), { now: clock.now, verifiedCacheSize: 10 }),
    );
    const { token } = await service.issue(subject);
    await service.verify(token);
    clock.advance(TTL_SECONDS + 31);
    expect(await failure(service, token)).toMatchObject({ code: 'TOKEN_EXPIRED', detail: 'EXPIRED' });
  });

  it('answers a repeated token from the cache without jose, and every token from jose when disabled', async () => {
    // How much cheaper a hit is belongs to the benchmark (`pnpm bench --only verify`); here, that it is a hit.
    const cached = await createAccessTokenService(serviceOptions(keySetSigningKeys({ keys: [f.edKey] })));
    const { token } = await cached.issue(subject);
    const other = (await cached.issue(subject)).token;
    await cached.verify(token);
    await cached.verify(token);
    await cached.verify(token);
    await cached.verify(other);
    expect(cached.cacheStats()).toEqual({ hits: 2, misses: 2, size: 2 });
    // An altered token is a different key: a miss, and then a failure from jose. The changed character sits
    // inside the signature, where every bit counts (the last one carries padding bits a decoder may ignore).
    const at = token.length - 10;
    const altered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    await expect(cached.verify(altered)).rejects.toBeInstanceOf(AuthError);
    expect(cached.cacheStats()).toEqual({ hits: 2, misses: 3, size: 2 });

    const uncached = await createAccessTokenService(
      serviceOptions(keySetSigningKeys({ keys: [f.edKey] }), { verifiedCacheSize: 0 }),
    );
    await uncached.verify(token);
    await uncached.verify(token);
    expect(uncached.cacheStats()).toEqual({ hits: 0, misses: 2, size: 0 });
  });
});

describe('key rotation', () => {
  it('keeps verifying a retired key until rotation drops it; new tokens carry the new kid', async () => {
    const clock = fakeClock();
    const first = await generateSigningKey('EdDSA');
    const v1 = await createAccessTokenService(
      serviceOptions(keySetSigningKeys({ keys: [first] }), { now: clock.now }),
    );
    const oldToken = (await v1.issue(subject)).token;

    const second = await generateSigningKey('EdDSA');
    const rotated = rotateKeySet({ keys: [first] }, second, {
      now: clock.now(),
      retainRetiredSeconds: TTL_SECONDS + 30,
    });
    const v2 = await createAccessTokenService(serviceOptions(keySetSigningKeys(rotated), { now: clock.now }));
    await expect(v2.verify(oldToken)).resolves.toMatchObject({ userId: 'user-1' });
    const newToken = (await v2.issue(subject)).token;
    expect(decodeProtectedHeader(newToken).kid).toBe(second.kid);
    expect(decodeProtectedHeader(oldToken).kid).toBe(first.kid);
    expect(v2.publicJwks().keys.map((key) => key.kid)).toEqual([second.kid, first.kid]);

    clock.advance(TTL_SECONDS + 31);
    const third = await generateSigningKey('ES256');
    const pruned = rotateKeySet(rotated, third, { now: clock.now(), retainRetiredSeconds: TTL_SECONDS + 30 });
    expect(pruned.keys.map((key) => key.kid)).toEqual([third.kid, second.kid]);
    const v3 = await createAccessTokenService(serviceOptions(keySetSigningKeys(pruned), { now: clock.now }));
    expect(v3.algorithm).toBe('ES256');
    expect(await failure(v3, oldToken)).toMatchObject({ code: 'TOKEN_INVALID', detail: 'UNKNOWN_KID' });
    // A key set holding both families verifies each with its own algorithm only.
    await expect(v3.verify((await v2.issue(subject)).token)).resolves.toMatchObject({ role: 'user' });
    const esToken = (await v3.issue(subject)).token;
    expect(decodeProtectedHeader(esToken)).toMatchObject({ alg: 'ES256', kid: third.kid });
    const [, payload, signature] = esToken.split('.');
    const relabelled = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: third.kid })}.${payload ?? ''}.${signature ?? ''}`;
    const relabelledError = await failure(v3, relabelled);
    expect(relabelledError).toMatchObject({ detail: 'ALG_NOT_ALLOWED' });
    // Refused by the kid's pinned algorithm before jose runs (jose would refuse it too, with a cause).
    expect(relabelledError.cause).toBeUndefined();
  });

  it('verifies tokens of a retired HS256 secret and signs with the new one', async () => {
    const oldSecret = f.secret;
    const newSecret = parseJwtSecret(generateJwtSecret());
    const service = await createAccessTokenService(
      serviceOptions(hmacSigningKeys(newSecret, { retiredSecrets: [oldSecret] })),
    );
    await expect(service.verify(f.hsToken)).resolves.toMatchObject({ userId: 'user-1' });
    const fresh = (await service.issue(subject)).token;
    expect(decodeProtectedHeader(fresh).kid).not.toBe(f.hsKid);
    expect(await failure(f.hs, fresh)).toMatchObject({ detail: 'UNKNOWN_KID' });
  });
});

describe('JWKS', () => {
  it('publishes public keys only, and they verify issued tokens', async () => {
    for (const service of [f.ed, f.es]) {
      const jwks = service.publicJwks();
      expect(jwks.keys).toHaveLength(1);
      for (const key of jwks.keys) {
        expect(key).not.toHaveProperty('d');
        expect(Object.keys(key).sort()).toEqual(
          service.algorithm === 'ES256'
            ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']
            : ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
        );
      }
      const { token } = await service.issue(subject);
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
        currentDate: new Date(START_MS),
      });
      expect(payload.sub).toBe('user-1');
    }
  });

  it('is empty under HS256', () => {
    expect(f.hs.publicJwks()).toEqual({ keys: [] });
  });

  it('hands out copies that cannot change the service', () => {
    const jwks = f.ed.publicJwks();
    const first = jwks.keys[0]!;
    first.x = 'tampered';
    expect(f.ed.publicJwks().keys[0]!.x).not.toBe('tampered');
  });
});

describe('options', () => {
  it.each([
    ['empty issuer', { issuer: '' }, 'issuer must not be empty'],
    ['empty audience', { audience: '' }, 'audience must not be empty'],
    ['zero ttl', { ttlSeconds: 0 }, 'ttlSeconds must be a positive integer'],
    ['fractional ttl', { ttlSeconds: 1.5 }, 'ttlSeconds must be a positive integer'],
    ['negative skew', { clockToleranceSeconds: -1 }, 'clockToleranceSeconds must be an integer from 0 to 30'],
    [
      'fractional skew',
      { clockToleranceSeconds: 1.5 },
      'clockToleranceSeconds must be an integer from 0 to 30',
    ],
    ['negative cache size', { verifiedCacheSize: -1 }, 'verifiedCacheSize must be a non-negative integer'],
    ['fractional cache size', { verifiedCacheSize: 0.5 }, 'verifiedCacheSize must be a non-negative integer'],
  ])('refuses %s with a ConfigError naming the option', async (_name, extra, reason) => {
    await expect(
      createAccessTokenService(serviceOptions(hmacSigningKeys(f.secret), extra)),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      detail: 'OPTIONS_INVALID',
      message: `Access token options are invalid: ${reason}.`,
    });
  });

  it.each([
    ['an empty userId', { userId: '' }],
    ['an empty sessionId', { sessionId: '' }],
    ['an empty role', { role: '' }],
    ['a non-string userId', { userId: 42 as unknown as string }],
    ['an authTime that is not a Date', { authTime: START_MS as unknown as Date }],
    ['an invalid authTime', { authTime: new Date(Number.NaN) }],
  ])('refuses to issue for %s', async (_name, change) => {
    await expect(f.hs.issue({ ...subject, ...change })).rejects.toThrow(
      new TypeError('issue() needs a non-empty userId, sessionId and role, and a valid authTime'),
    );
  });
});
