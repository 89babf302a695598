/**
 * Latchkey's access-token profile: the pins every verifier of a Latchkey token applies, whoever holds the key.
 * `@latchkey/auth` (the API, which signs and verifies with its own keys) and this package (any other service,
 * which verifies against the published JWKS) both run these checks, so the two can never drift apart.
 *
 * The profile is RFC 9068-style: header `typ: at+jwt` and `kid`; claims `iss aud sub sid role iat exp jti
 * auth_time`. What it pins, before any crypto:
 *   1. size cap (TOO_LARGE) and shape: three base64url segments, canonical encoding, JSON objects (MALFORMED);
 *   2. header: `typ` (TYP), no `crit` (CRIT), no embedded or remote key (EMBEDDED_KEY);
 * and after the signature and jose's claim checks:
 *   3. claim types jose does not check, and `iat` not in the future (CLAIM_*, IAT_IN_FUTURE).
 * The algorithm and `kid` checks belong to whoever holds the keys, and are theirs to run between 2 and 3.
 */
import type { JWTPayload } from 'jose';

/** RFC 9068 §2.1: the `typ` of a JWT access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Clock skew allowed on `exp`, `nbf` and `iat`. RFC 7519 §4.1.4 allows "some small leeway, usually no more
 * than a few minutes"; we keep it to 30 seconds, which NTP-synchronised hosts stay well within.
 */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const MAX_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Longest token we parse: ours are about 400 characters. The check is the first thing a verification does, so
 * a 1 MB token costs one length comparison instead of a base64 decode and a JSON parse.
 */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/**
 * The algorithms of a published key set (`@latchkey/auth`'s key-set algorithms): what another service accepts.
 * HS256 is never among them: its key is the API's secret, and a verifier holding only public keys must refuse
 * an HS256 token outright, or a public key could be used as an HMAC secret (RFC 8725 §2.1).
 */
export const PUBLISHED_KEY_ALGORITHMS: readonly string[] = ['EdDSA', 'ES256'];

/** Claims a Latchkey access token always carries (jose's `requiredClaims`). */
export const REQUIRED_ACCESS_TOKEN_CLAIMS: readonly string[] = [
  'exp',
  'iat',
  'sub',
  'sid',
  'jti',
  'role',
  'auth_time',
];

/** RFC 7515 §4.1.2-4.1.6: header parameters that carry or point at a key; a verifier must never trust them. */
const EMBEDDED_KEY_PARAMETERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

const SEGMENT_PATTERN = /^[A-Za-z0-9_-]*$/;

/** The profile's own failures, named as `@latchkey/auth`'s `TokenFailureDetail` names them. */
export type TokenProfileFailure =
  | 'TOO_LARGE'
  | 'MALFORMED'
  | 'TYP'
  | 'CRIT'
  | 'EMBEDDED_KEY'
  | 'CLAIM_SUB'
  | 'CLAIM_SID'
  | 'CLAIM_ROLE'
  | 'CLAIM_JTI'
  | 'CLAIM_IAT'
  | 'CLAIM_EXP'
  | 'CLAIM_AUTH_TIME'
  | 'IAT_IN_FUTURE';

/** How a caller turns a failure into its own error class; it must throw. */
export type ProfileFailure = (detail: TokenProfileFailure) => never;

/** The verified subject of an access token. */
export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  role: string;
  /** When the user last presented credentials (OIDC `auth_time`), for "fresh login" checks. */
  authTime: Date;
  issuedAt: Date;
  expiresAt: Date;
  tokenId: string;
}

/** Checks the size and shape of a token; returns its decoded header. */
export function readAccessTokenHeader(token: string, fail: ProfileFailure): Record<string, unknown> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) return fail('TOO_LARGE');
  const segments = token.split('.');
  const [encodedHeader, encodedPayload, encodedSignature] = segments;
  if (
    segments.length !== 3 ||
    encodedHeader === undefined ||
    encodedPayload === undefined ||
    encodedSignature === undefined
  ) {
    return fail('MALFORMED');
  }
  const header = decodeJsonSegment(encodedHeader, fail);
  decodeJsonSegment(encodedPayload, fail);
  // An empty signature passes the shape check and fails as BAD_SIGNATURE: it is a stripped signature.
  if (encodedSignature !== '' && !isCanonicalBase64url(encodedSignature)) return fail('MALFORMED');
  return header;
}

/**
 * Checks the header parameters that need no key: `typ`, `crit`, embedded keys. Callers run it after their
 * `alg` check and before their `kid` lookup, so a forged token gets the same detail from every verifier.
 */
export function checkAccessTokenHeader(header: Record<string, unknown>, fail: ProfileFailure): void {
  if (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== ACCESS_TOKEN_TYPE) return fail('TYP');
  // RFC 7515 §4.1.11: a recipient must reject extensions it does not understand, and we understand none.
  if (Object.hasOwn(header, 'crit')) return fail('CRIT');
  if (EMBEDDED_KEY_PARAMETERS.some((parameter) => Object.hasOwn(header, parameter))) {
    fail('EMBEDDED_KEY');
  }
}

/** Reads the claims jose verified, checking the types jose does not check and `iat` not in the future. */
export function readAccessTokenClaims(
  payload: JWTPayload,
  options: { clockToleranceSeconds: number; nowMs: number },
  fail: ProfileFailure,
): AccessTokenClaims {
  const { sub, sid, role, jti, iat, exp, auth_time: authTime } = payload;
  if (!isNonEmptyString(sub)) return fail('CLAIM_SUB');
  if (!isNonEmptyString(sid)) return fail('CLAIM_SID');
  if (!isNonEmptyString(role)) return fail('CLAIM_ROLE');
  if (!isNonEmptyString(jti)) return fail('CLAIM_JTI');
  if (!isEpochSeconds(iat)) return fail('CLAIM_IAT');
  if (!isEpochSeconds(exp)) return fail('CLAIM_EXP');
  const latestAcceptableSeconds = options.nowMs / 1000 + options.clockToleranceSeconds;
  if (iat > latestAcceptableSeconds) return fail('IAT_IN_FUTURE');
  if (!isEpochSeconds(authTime) || authTime > latestAcceptableSeconds) return fail('CLAIM_AUTH_TIME');
  return {
    userId: sub,
    sessionId: sid,
    role,
    authTime: new Date(authTime * 1000),
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
    tokenId: jti,
  };
}

function decodeJsonSegment(segment: string, fail: ProfileFailure): Record<string, unknown> {
  if (!isCanonicalBase64url(segment)) return fail('MALFORMED');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')));
  } catch {
    return fail('MALFORMED');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('MALFORMED');
  return parsed as Record<string, unknown>;
}

/**
 * Base64url without padding, in its one canonical spelling. Decoders ignore the unused low bits of the last
 * character, so without the round-trip check a token whose last character was changed could still verify.
 */
function isCanonicalBase64url(segment: string): boolean {
  return (
    segment !== '' &&
    SEGMENT_PATTERN.test(segment) &&
    Buffer.from(segment, 'base64url').toString('base64url') === segment
  );
}

/** RFC 9068 §4: `at+jwt` and `application/at+jwt` are the same type; media types are case-insensitive. */
function normaliseTyp(typ: string): string {
  const lowered = typ.toLowerCase();
  return lowered.startsWith('application/') ? lowered.slice('application/'.length) : lowered;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
