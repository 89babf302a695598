/**
 * Access tokens: issue and verify RFC 9068-style JWTs (header `typ: at+jwt` and `kid`; claims
 * `iss aud sub sid role iat exp jti auth_time`) with jose.
 *
 * Verification runs in this order, and the first failure is the error's `detail`:
 *   1. size cap (TOO_LARGE) and shape: three base64url segments, canonical encoding, JSON objects (MALFORMED);
 *   2. header: pinned `alg` (ALG_NOT_ALLOWED), `typ` (TYP), no `crit` (CRIT), no embedded or remote key
 *      (EMBEDDED_KEY), a `kid` we hold whose algorithm is the header's (UNKNOWN_KID, ALG_NOT_ALLOWED);
 *   3. jose: signature (BAD_SIGNATURE), required claims, issuer, audience, nbf, exp with the clock tolerance;
 *   4. claim types jose does not check, and `iat` not in the future (CLAIM_*, IAT_IN_FUTURE).
 * The header checks duplicate some of jose's on purpose: they run before any crypto, and they give each
 * forged token its own exact cause instead of jose's generic "invalid". Steps 1, 2 (but `alg` and `kid`) and 4
 * are Latchkey's token profile, shared with every other service's verifier (`@latchkey/verifier/profile`).
 */
import { randomUUID } from 'node:crypto';

import { SignJWT, jwtVerify } from 'jose';
import type { JWK } from 'jose';

import {
  ACCESS_TOKEN_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_ACCESS_TOKEN_LENGTH,
  MAX_CLOCK_TOLERANCE_SECONDS,
  REQUIRED_ACCESS_TOKEN_CLAIMS,
  checkAccessTokenHeader,
  readAccessTokenClaims,
  readAccessTokenHeader,
} from '@latchkey/verifier/profile';
import type { AccessTokenClaims } from '@latchkey/verifier/profile';

import { AuthError, ConfigError } from './errors.js';
import type { TokenFailureDetail } from './errors.js';
import { importSigningKeys } from './signing-keys.js';
import type { AccessTokenAlgorithm, ImportedSigningKeys, SigningKeys } from './signing-keys.js';
import { toAuthError } from './verification-error.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export type { AccessTokenAlgorithm, SigningKeys } from './signing-keys.js';

export {
  ACCESS_TOKEN_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_ACCESS_TOKEN_LENGTH,
  MAX_CLOCK_TOLERANCE_SECONDS,
} from '@latchkey/verifier/profile';

/** Default size of the verified-token cache: about 10,000 active clients per instance, a few MB at most. */
export const DEFAULT_VERIFIED_CACHE_SIZE = 10_000;

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  role: string;
  /** When the user last presented credentials (OIDC `auth_time`), for "fresh login" checks. */
  authTime: Date;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
  tokenId: string;
}

export type VerifiedAccessToken = AccessTokenClaims;

export interface AccessTokenServiceOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** Default and maximum 30. */
  clockToleranceSeconds?: number;
  /** Entries in the verified-token cache; 0 disables it. Default `DEFAULT_VERIFIED_CACHE_SIZE`. */
  verifiedCacheSize?: number;
  /** The clock for issuing, verifying and cache expiry. */
  now?: () => Date;
}

export interface AccessTokenService {
  readonly algorithm: AccessTokenAlgorithm;
  /** Signs a token for the subject with the current signing key. */
  issue(subject: AccessTokenSubject): Promise<IssuedAccessToken>;
  /** Verifies a token. Throws `AuthError` with code TOKEN_EXPIRED or TOKEN_INVALID, and nothing else. */
  verify(token: string): Promise<VerifiedAccessToken>;
  /** The public keys as a JWKS (`/.well-known/jwks.json`): public members only; empty under HS256. */
  publicJwks(): { keys: JWK[] };
  /** Verified-token cache counters since start: what an operator graphs, and how tests see a hit. */
  cacheStats(): VerifiedCacheStats;
}

export interface VerifiedCacheStats {
  /** Verifications answered from the cache, without jose. */
  hits: number;
  /** Verifications that ran jose (a first sight, an evicted or an expired entry, or the cache disabled). */
  misses: number;
  /** Entries held now. */
  size: number;
}

/**
 * Creates the access-token service, importing every key once.
 *
 * @throws ConfigError when an option is out of range or a key cannot be imported.
 * @example
 * const tokens = await createAccessTokenService({
 *   keys: hmacSigningKeys(parseJwtSecret(env.JWT_SECRET)),
 *   issuer: 'https://auth.example.com', audience: 'latchkey-api', ttlSeconds: 900,
 * });
 * const { token } = await tokens.issue({ userId, sessionId, role: 'user', authTime: new Date() });
 * const verified = await tokens.verify(token);
 */
export async function createAccessTokenService(
  options: AccessTokenServiceOptions,
): Promise<AccessTokenService> {
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const cacheSize = options.verifiedCacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE;
  requireOption(options.issuer !== '', 'issuer must not be empty');
  requireOption(options.audience !== '', 'audience must not be empty');
  requireOption(
    Number.isSafeInteger(options.ttlSeconds) && options.ttlSeconds > 0,
    'ttlSeconds must be a positive integer',
  );
  requireOption(
    Number.isInteger(clockTolerance) && clockTolerance >= 0 && clockTolerance <= MAX_CLOCK_TOLERANCE_SECONDS,
    `clockToleranceSeconds must be an integer from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`,
  );
  requireOption(
    Number.isSafeInteger(cacheSize) && cacheSize >= 0,
    'verifiedCacheSize must be a non-negative integer',
  );

  const keys = await importSigningKeys(options.keys);
  const now = options.now ?? ((): Date => new Date());
  const cache = new VerifiedTokenCache<VerifiedAccessToken>(cacheSize);
  const verifyOptions = { issuer: options.issuer, audience: options.audience, clockTolerance };
  const counters = { hits: 0, misses: 0 };

  return {
    algorithm: keys.algorithm,

    async issue(subject) {
      assertSubject(subject);
      const issuedAtSeconds = Math.floor(now().getTime() / 1000);
      const expiresAtSeconds = issuedAtSeconds + options.ttlSeconds;
      const tokenId = randomUUID();
      const token = await new SignJWT({
        sid: subject.sessionId,
        role: subject.role,
        auth_time: Math.floor(subject.authTime.getTime() / 1000),
      })
        .setProtectedHeader({ alg: keys.signer.alg, typ: ACCESS_TOKEN_TYPE, kid: keys.signer.kid })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(subject.userId)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .setJti(tokenId)
        .sign(keys.signer.key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000), tokenId };
    },

    async verify(token) {
      try {
        const nowMs = now().getTime();
        if (typeof token === 'string' && token.length <= MAX_ACCESS_TOKEN_LENGTH) {
          const cached = cache.get(token, nowMs);
          if (cached !== undefined) {
            counters.hits += 1;
            return copyVerified(cached);
          }
        }
        counters.misses += 1;
        const verified = await verifyUncached(token, keys, verifyOptions, nowMs);
        cache.set(token, verified, verified.expiresAt.getTime(), nowMs);
        return copyVerified(verified);
      } catch (error) {
        throw toAuthError(error);
      }
    },

    publicJwks() {
      return { keys: keys.publicJwks.map((jwk) => ({ ...jwk })) };
    },

    cacheStats() {
      return { ...counters, size: cache.size };
    },
  };
}

/** Dates are mutable, so every caller gets its own copy of a cached result. */
function copyVerified(verified: VerifiedAccessToken): VerifiedAccessToken {
  return {
    ...verified,
    authTime: new Date(verified.authTime),
    issuedAt: new Date(verified.issuedAt),
    expiresAt: new Date(verified.expiresAt),
  };
}

async function verifyUncached(
  token: unknown,
  keys: ImportedSigningKeys,
  options: { issuer: string; audience: string; clockTolerance: number },
  nowMs: number,
): Promise<VerifiedAccessToken> {
  if (typeof token !== 'string') throw invalid('MALFORMED');
  const header = readAccessTokenHeader(token, fail);
  if (typeof header.alg !== 'string' || ![...keys.verifiers.values()].some((key) => key.alg === header.alg)) {
    throw invalid('ALG_NOT_ALLOWED');
  }
  checkAccessTokenHeader(header, fail);
  const verifier = typeof header.kid === 'string' ? keys.verifiers.get(header.kid) : undefined;
  if (verifier === undefined) throw invalid('UNKNOWN_KID');
  if (verifier.alg !== header.alg) throw invalid('ALG_NOT_ALLOWED');

  const { payload } = await jwtVerify(token, verifier.key, {
    algorithms: [verifier.alg],
    issuer: options.issuer,
    audience: options.audience,
    typ: ACCESS_TOKEN_TYPE,
    clockTolerance: options.clockTolerance,
    currentDate: new Date(nowMs),
    requiredClaims: [...REQUIRED_ACCESS_TOKEN_CLAIMS],
  });
  return readAccessTokenClaims(payload, { clockToleranceSeconds: options.clockTolerance, nowMs }, fail);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function invalid(detail: TokenFailureDetail): AuthError {
  return new AuthError('TOKEN_INVALID', detail);
}

function fail(detail: TokenFailureDetail): never {
  throw invalid(detail);
}

function assertSubject(subject: AccessTokenSubject): void {
  if (
    !isNonEmptyString(subject.userId) ||
    !isNonEmptyString(subject.sessionId) ||
    !isNonEmptyString(subject.role) ||
    !(subject.authTime instanceof Date) ||
    Number.isNaN(subject.authTime.getTime())
  ) {
    throw new TypeError('issue() needs a non-empty userId, sessionId and role, and a valid authTime');
  }
}

function requireOption(condition: boolean, reason: string): void {
  if (!condition) throw new ConfigError('OPTIONS_INVALID', `Access token options are invalid: ${reason}.`);
}
