/**
 * Verifies Latchkey access tokens in a service that is not the API.
 *
 * `mode: 'jwks'` (the default) checks each token locally: the profile's pins (`token-profile.ts`, the same code
 * the API runs), an algorithm of a published key set only, a `kid` of the API's JWKS (jose's remote key set:
 * cached, re-fetched on an unknown `kid` at most once per cooldown, so a flood of forged kids costs the API one
 * request per cooldown), the signature, issuer, audience and expiry; then, with `revocations: 'follow'`, the
 * revocation feed (`revocation-feed.ts`). `mode: 'introspection'` asks the API about every token instead.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { VerifierConfigError, VerifierError, type VerifierFailureDetail } from './errors.js';
import { introspectAccessToken } from './introspection.js';
import { RevocationFeed, type RevocationFeedOptions } from './revocation-feed.js';
import type { ServiceClientCredentials } from './service-client.js';
import {
  ACCESS_TOKEN_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  PUBLISHED_KEY_ALGORITHMS,
  REQUIRED_ACCESS_TOKEN_CLAIMS,
  checkAccessTokenHeader,
  readAccessTokenClaims,
  readAccessTokenHeader,
  type AccessTokenClaims,
  type TokenProfileFailure,
} from './token-profile.js';

/** The API's JWKS answers with `max-age=300`; the key set is kept as long. */
export const DEFAULT_JWKS_CACHE_SECONDS = 300;
/** At most one JWKS fetch per this many seconds for unknown kids (jose's default). */
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;
const JWKS_TIMEOUT_MS = 5000;

export interface VerifierOptions {
  /** The API's origin, e.g. `https://auth.example.com` (its AUTH_ISSUER is usually the same). */
  apiUrl: string;
  /** The API's AUTH_ISSUER and AUTH_AUDIENCE: the `iss` and `aud` every token must carry. */
  issuer: string;
  audience: string;
  /** `jwks` (default): verify locally against the published keys. `introspection`: ask the API per token. */
  mode?: 'jwks' | 'introspection';
  /**
   * `follow` (default): refuse tokens of revoked sessions, following the API's revocation feed. `ignore`: a
   * logged-out session's tokens stay valid here until they expire (ACCESS_TOKEN_TTL). Introspection mode
   * always sees revocations.
   */
  revocations?: 'follow' | 'ignore';
  /** A service client of the API's SERVICE_CLIENTS: needed to follow revocations and to introspect. */
  serviceClient?: ServiceClientCredentials;
  /** Default and maximum 30, as the API's. */
  clockToleranceSeconds?: number;
  jwksCacheSeconds?: number;
  jwksCooldownSeconds?: number;
  /** Revocation-feed tuning and its error hook (see `RevocationFeedOptions`). */
  feed?: Pick<RevocationFeedOptions, 'waitSeconds' | 'maxStalenessSeconds' | 'onError'>;
  /** The clock for expiry and feed staleness. */
  now?: () => Date;
}

export interface Verifier {
  /**
   * Fetches the key set and the first revocation window. Rejects with VerifierConfigError when the API
   * publishes no public key (it signs with HS256: use `mode: 'introspection'`), with VerifierError UNAVAILABLE
   * when the API cannot be reached.
   */
  start(): Promise<void>;
  /** Stops following the revocation feed. */
  stop(): Promise<void>;
  /**
   * Verifies a token. Throws VerifierError: TOKEN_INVALID, TOKEN_EXPIRED, SESSION_REVOKED or UNAVAILABLE.
   */
  verify(token: string): Promise<AccessTokenClaims>;
}

/**
 * Creates a verifier; call `start()` before the service takes requests.
 *
 * @example
 * const verifier = createVerifier({
 *   apiUrl: 'https://auth.example.com', issuer: 'https://auth.example.com', audience: 'latchkey-api',
 *   serviceClient: { id: 'orders', secret: process.env.LATCHKEY_SERVICE_SECRET ?? '' },
 * });
 * await verifier.start();
 * const { userId, role } = await verifier.verify(token);
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const mode = options.mode ?? 'jwks';
  const revocations = options.revocations ?? 'follow';
  const clockToleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const now = options.now ?? ((): Date => new Date());
  const apiUrl = parseApiUrl(options.apiUrl);
  if (options.issuer === '' || options.audience === '') {
    throw new VerifierConfigError('issuer and audience must not be empty');
  }
  if (
    !Number.isInteger(clockToleranceSeconds) ||
    clockToleranceSeconds < 0 ||
    clockToleranceSeconds > MAX_CLOCK_TOLERANCE_SECONDS
  ) {
    throw new VerifierConfigError(
      `clockToleranceSeconds must be an integer from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`,
    );
  }
  const credentials = options.serviceClient;
  if ((mode === 'introspection' || revocations === 'follow') && credentials === undefined) {
    throw new VerifierConfigError(
      'serviceClient is needed to follow revocations and to introspect; pass revocations: "ignore" to accept logged-out tokens until they expire',
    );
  }

  if (mode === 'introspection' && credentials !== undefined) {
    return {
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      async verify(token) {
        // The profile's shape checks first: a malformed token never costs the API a request.
        readProfileHeader(token);
        return introspectAccessToken(token, { apiUrl, credentials });
      },
    };
  }

  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', apiUrl), {
    cacheMaxAge: (options.jwksCacheSeconds ?? DEFAULT_JWKS_CACHE_SECONDS) * 1000,
    cooldownDuration: (options.jwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS) * 1000,
    timeoutDuration: JWKS_TIMEOUT_MS,
  });
  const feed =
    revocations === 'follow' && credentials !== undefined
      ? new RevocationFeed({ apiUrl, credentials, now, ...options.feed })
      : null;
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new VerifierError('TOKEN_INVALID', 'UNKNOWN_KID', { cause: error });
      }
      throw new VerifierError('UNAVAILABLE', 'JWKS_UNREACHABLE', { cause: error });
    }
  };

  return {
    async start() {
      try {
        await jwks.reload();
      } catch (error) {
        throw new VerifierError('UNAVAILABLE', 'JWKS_UNREACHABLE', { cause: error });
      }
      const published = jwks.jwks()?.keys ?? [];
      if (
        !published.some((key) => typeof key.alg === 'string' && PUBLISHED_KEY_ALGORITHMS.includes(key.alg))
      ) {
        throw new VerifierConfigError(
          `${apiUrl} publishes no public key: the API signs with a shared secret (JWT_SECRET, HS256), which only it may hold. Give it a key set (KEY_SET_FILE) or verify with mode: "introspection"`,
        );
      }
      try {
        await feed?.start();
      } catch (error) {
        throw new VerifierError('UNAVAILABLE', 'FEED_NOT_SYNCED', { cause: error });
      }
    },

    async stop() {
      await feed?.stop();
    },

    async verify(token) {
      const header = readProfileHeader(token);
      if (typeof header.alg !== 'string' || !PUBLISHED_KEY_ALGORITHMS.includes(header.alg)) {
        throw new VerifierError('TOKEN_INVALID', 'ALG_NOT_ALLOWED');
      }
      checkAccessTokenHeader(header, profileFailure);
      if (typeof header.kid !== 'string') throw new VerifierError('TOKEN_INVALID', 'UNKNOWN_KID');
      const nowMs = now().getTime();
      let claims: AccessTokenClaims;
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms: [...PUBLISHED_KEY_ALGORITHMS],
          issuer: options.issuer,
          audience: options.audience,
          typ: ACCESS_TOKEN_TYPE,
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(nowMs),
          requiredClaims: [...REQUIRED_ACCESS_TOKEN_CLAIMS],
        });
        claims = readAccessTokenClaims(payload, { clockToleranceSeconds, nowMs }, profileFailure);
      } catch (error) {
        throw toVerifierError(error);
      }
      feed?.check(claims.sessionId);
      return claims;
    },
  };
}

function readProfileHeader(token: unknown): Record<string, unknown> {
  if (typeof token !== 'string') throw new VerifierError('TOKEN_INVALID', 'MALFORMED');
  return readAccessTokenHeader(token, profileFailure);
}

function profileFailure(detail: TokenProfileFailure): never {
  throw new VerifierError('TOKEN_INVALID', detail);
}

function parseApiUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // Reported below.
  }
  throw new VerifierConfigError(`apiUrl must be an http(s) URL such as https://auth.example.com`);
}

/** jose's claim names, mapped to our details; a Map, so `toString` is a missing entry, not a prototype member. */
const CLAIM_DETAIL: ReadonlyMap<string, VerifierFailureDetail> = new Map<string, VerifierFailureDetail>([
  ['iss', 'CLAIM_ISS'],
  ['aud', 'CLAIM_AUD'],
  ['sub', 'CLAIM_SUB'],
  ['sid', 'CLAIM_SID'],
  ['role', 'CLAIM_ROLE'],
  ['jti', 'CLAIM_JTI'],
  ['iat', 'CLAIM_IAT'],
  ['auth_time', 'CLAIM_AUTH_TIME'],
  ['typ', 'TYP'],
]);

function toVerifierError(error: unknown): VerifierError {
  if (error instanceof VerifierError) return error;
  if (error instanceof errors.JWTExpired)
    return new VerifierError('TOKEN_EXPIRED', 'EXPIRED', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new VerifierError('TOKEN_INVALID', claimDetail(error.claim, error.reason), { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new VerifierError('TOKEN_INVALID', 'ALG_NOT_ALLOWED', { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new VerifierError('TOKEN_INVALID', 'BAD_SIGNATURE', { cause: error });
  }
  return new VerifierError('TOKEN_INVALID', 'MALFORMED', { cause: error });
}

function claimDetail(claim: string, reason: string): VerifierFailureDetail {
  if (claim === 'exp') return reason === 'missing' ? 'EXP_MISSING' : 'CLAIM_EXP';
  if (claim === 'nbf') return reason === 'check_failed' ? 'NOT_YET_VALID' : 'CLAIM_NBF';
  return CLAIM_DETAIL.get(claim) ?? 'MALFORMED';
}
