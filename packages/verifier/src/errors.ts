/**
 * The one error class of @latchkey/verifier. `code` is what a service switches on (the middleware maps it to
 * 401 or 503); `detail` names the exact cause for logs and tests. The message never contains the token.
 */
import type { TokenProfileFailure } from './token-profile.js';

/**
 * - TOKEN_MISSING: no `Authorization: Bearer` header (middleware only);
 * - TOKEN_INVALID / TOKEN_EXPIRED: the token fails the profile, the signature or a claim;
 * - SESSION_REVOKED: the token is good, but its session was logged out or revoked on the API;
 * - UNAVAILABLE: the verifier cannot decide (JWKS or revocation feed out of reach, or stale): fail closed.
 */
export type VerifierErrorCode =
  'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED' | 'UNAVAILABLE';

/** The exact cause: the profile's failures, and those of the key lookup and of the API. */
export type VerifierFailureDetail =
  | TokenProfileFailure
  | 'MISSING'
  | 'ALG_NOT_ALLOWED'
  | 'UNKNOWN_KID'
  | 'BAD_SIGNATURE'
  | 'CLAIM_ISS'
  | 'CLAIM_AUD'
  | 'CLAIM_NBF'
  | 'EXP_MISSING'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'INACTIVE'
  | 'REVOKED'
  | 'JWKS_UNREACHABLE'
  | 'FEED_NOT_SYNCED'
  | 'FEED_STALE'
  | 'INTROSPECTION_UNREACHABLE';

export class VerifierError extends Error {
  override readonly name = 'VerifierError';
  readonly code: VerifierErrorCode;
  readonly detail: VerifierFailureDetail;

  constructor(code: VerifierErrorCode, detail: VerifierFailureDetail, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.code = code;
    this.detail = detail;
  }
}

/** A start-up refusal: a bad option, or an API whose tokens this verifier cannot check. One-line message. */
export class VerifierConfigError extends Error {
  override readonly name = 'VerifierConfigError';
}
