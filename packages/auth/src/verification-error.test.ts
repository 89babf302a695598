import { errors } from 'jose';
import { describe, expect, it } from 'vitest';

import { AuthError } from './errors.js';
import type { TokenFailureDetail } from './errors.js';
import { toAuthError } from './verification-error.js';

// jose's own error classes, built as jose builds them. Most of these never reach toAuthError through
// `verify` (its own checks refuse the token first), so this table is where each mapping is shown to hold.
const claimFailure = (claim: string, reason: string): errors.JWTClaimValidationFailed =>
  new errors.JWTClaimValidationFailed(`"${claim}" claim ${reason}`, {}, claim, reason);

const cases: [string, unknown, 'TOKEN_EXPIRED' | 'TOKEN_INVALID', TokenFailureDetail][] = [
  [
    'an expired token',
    new errors.JWTExpired('"exp" claim timestamp check failed', {}, 'exp', 'check_failed'),
    'TOKEN_EXPIRED',
    'EXPIRED',
  ],
  ['a bad signature', new errors.JWSSignatureVerificationFailed(), 'TOKEN_INVALID', 'BAD_SIGNATURE'],
  [
    'an algorithm jose refuses',
    new errors.JOSEAlgNotAllowed('"alg" not allowed'),
    'TOKEN_INVALID',
    'ALG_NOT_ALLOWED',
  ],
  ['exp missing', claimFailure('exp', 'missing'), 'TOKEN_INVALID', 'EXP_MISSING'],
  ['exp not a number', claimFailure('exp', 'invalid'), 'TOKEN_INVALID', 'CLAIM_EXP'],
  ['nbf in the future', claimFailure('nbf', 'check_failed'), 'TOKEN_INVALID', 'NOT_YET_VALID'],
  ['nbf not a number', claimFailure('nbf', 'invalid'), 'TOKEN_INVALID', 'CLAIM_NBF'],
  ['iss', claimFailure('iss', 'check_failed'), 'TOKEN_INVALID', 'CLAIM_ISS'],
  ['aud', claimFailure('aud', 'check_failed'), 'TOKEN_INVALID', 'CLAIM_AUD'],
  ['sub', claimFailure('sub', 'missing'), 'TOKEN_INVALID', 'CLAIM_SUB'],
  ['sid', claimFailure('sid', 'missing'), 'TOKEN_INVALID', 'CLAIM_SID'],
  ['role', claimFailure('role', 'missing'), 'TOKEN_INVALID', 'CLAIM_ROLE'],
  ['jti', claimFailure('jti', 'missing'), 'TOKEN_INVALID', 'CLAIM_JTI'],
  ['iat', claimFailure('iat', 'invalid'), 'TOKEN_INVALID', 'CLAIM_IAT'],
  ['auth_time', claimFailure('auth_time', 'missing'), 'TOKEN_INVALID', 'CLAIM_AUTH_TIME'],
  ['typ', claimFailure('typ', 'check_failed'), 'TOKEN_INVALID', 'TYP'],
  ['a claim we do not name', claimFailure('unspecified', 'unspecified'), 'TOKEN_INVALID', 'MALFORMED'],
  ['a claim named like an Object member', claimFailure('toString', 'invalid'), 'TOKEN_INVALID', 'MALFORMED'],
  ['a JWS jose cannot parse', new errors.JWSInvalid('Invalid Compact JWS'), 'TOKEN_INVALID', 'MALFORMED'],
  [
    'a JWT jose cannot parse',
    new errors.JWTInvalid('JWTs must use Compact JWS serialization'),
    'TOKEN_INVALID',
    'MALFORMED',
  ],
  ['a TypeError', new TypeError('Cannot read properties of undefined'), 'TOKEN_INVALID', 'INTERNAL'],
  ['a thrown string', 'not an Error', 'TOKEN_INVALID', 'INTERNAL'],
];

describe('toAuthError', () => {
  it.each(cases)(
    'maps %s to its code and detail, keeping the original as cause',
    (_name, thrown, code, detail) => {
      const error = toAuthError(thrown);
      expect(error).toBeInstanceOf(AuthError);
      expect({ code: error.code, detail: error.detail, message: error.message }).toEqual({
        code,
        detail,
        message: `${code}: ${detail}`,
      });
      expect(error.cause).toBe(thrown);
    },
  );

  it('passes an AuthError through as it is', () => {
    const original = new AuthError('TOKEN_INVALID', 'UNKNOWN_KID');
    expect(toAuthError(original)).toBe(original);
  });
});
