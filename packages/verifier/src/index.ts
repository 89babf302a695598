/**
 * @latchkey/verifier: verify Latchkey access tokens in any Node service, against the API's published JWKS,
 * with the API's own pins, refusing revoked sessions as the API announces them. Framework adapters live in
 * `@latchkey/verifier/express` and `@latchkey/verifier/hono`.
 */
export {
  DEFAULT_JWKS_CACHE_SECONDS,
  DEFAULT_JWKS_COOLDOWN_SECONDS,
  createVerifier,
} from './access-token-verifier.js';
export type { Verifier, VerifierOptions } from './access-token-verifier.js';
export { VerifierConfigError, VerifierError } from './errors.js';
export type { VerifierErrorCode, VerifierFailureDetail } from './errors.js';
export { DEFAULT_FEED_MAX_STALENESS_SECONDS, DEFAULT_FEED_WAIT_SECONDS } from './revocation-feed.js';
export type { RevocationFeedOptions } from './revocation-feed.js';
export type { ServiceClientCredentials } from './service-client.js';
export { bearerToken } from './bearer-token.js';
export type { AccessTokenClaims } from './token-profile.js';
