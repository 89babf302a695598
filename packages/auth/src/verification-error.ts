/**
 * Turning whatever a verification throws into an AuthError, so `verify` never rejects with anything else.
 *
 * Most failures never get here as jose errors: `access-token.ts` refuses them with its own detail before jose
 * runs. The jose mappings below are the second line, for any check of jose's that ours do not duplicate
 * (signature, claims, expiry) and for a jose upgrade that starts refusing something ours let through.
 */
import { errors } from 'jose';

import { AuthError } from './errors.js';
import type { TokenFailureDetail } from './errors.js';

/**
 * Claim names jose reports, mapped to our details. A Map, so a claim named `toString` or `constructor` is a
 * missing entry rather than a member of Object.prototype.
 */
const CLAIM_DETAIL: ReadonlyMap<string, TokenFailureDetail> = new Map([
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

/** Every exception a verification can raise, as an AuthError: jose's, TypeErrors, anything. */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired)
    return new AuthError('TOKEN_EXPIRED', 'EXPIRED', undefined, { cause: error });
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('TOKEN_INVALID', 'BAD_SIGNATURE', undefined, { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError('TOKEN_INVALID', 'ALG_NOT_ALLOWED', undefined, { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthError('TOKEN_INVALID', claimFailureDetail(error.claim, error.reason), undefined, {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError)
    return new AuthError('TOKEN_INVALID', 'MALFORMED', undefined, { cause: error });
  return new AuthError('TOKEN_INVALID', 'INTERNAL', undefined, { cause: error });
}

function claimFailureDetail(claim: string, reason: string): TokenFailureDetail {
  if (claim === 'exp') return reason === 'missing' ? 'EXP_MISSING' : 'CLAIM_EXP';
  if (claim === 'nbf') return reason === 'check_failed' ? 'NOT_YET_VALID' : 'CLAIM_NBF';
  return CLAIM_DETAIL.get(claim) ?? 'MALFORMED';
}
