/**
 * The two error classes of @latchkey/auth. Domain code throws them; the API maps `code` (and, for logs and
 * tests, `detail`) to its wire errors in one table, so every code here must stay stable.
 */

/** What went wrong, at the granularity a caller acts on. */
export type AuthErrorCode = 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'PASSWORD_POLICY';

/** The exact cause of a `TOKEN_INVALID` / `TOKEN_EXPIRED`: stable strings that tests and logs rely on. */
export type TokenFailureDetail =
  | 'TOO_LARGE'
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'TYP'
  | 'CRIT'
  | 'EMBEDDED_KEY'
  | 'UNKNOWN_KID'
  | 'BAD_SIGNATURE'
  | 'CLAIM_ISS'
  | 'CLAIM_AUD'
  | 'CLAIM_SUB'
  | 'CLAIM_SID'
  | 'CLAIM_ROLE'
  | 'CLAIM_JTI'
  | 'CLAIM_IAT'
  | 'CLAIM_AUTH_TIME'
  | 'CLAIM_EXP'
  | 'CLAIM_NBF'
  | 'EXP_MISSING'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'IAT_IN_FUTURE'
  | 'INTERNAL';

/** The exact cause of a `PASSWORD_POLICY` failure. */
export type PasswordPolicyDetail =
  'NOT_A_STRING' | 'TOO_MANY_BYTES' | 'TOO_SHORT' | 'TOO_LONG' | 'TOO_COMMON' | 'CONTAINS_USERNAME';

/**
 * A failure a caller caused (a bad token, a password the policy refuses). `code` is what callers switch on;
 * `detail` names the exact cause. The message never contains the token or the password.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly detail: TokenFailureDetail | PasswordPolicyDetail;

  constructor(
    code: AuthErrorCode,
    detail: TokenFailureDetail | PasswordPolicyDetail,
    message = `${code}: ${detail}`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.detail = detail;
  }
}

/** The exact cause of a `ConfigError`, for tests and for tooling that wants to react to it. */
export type ConfigErrorDetail =
  | 'SECRET_TOO_SHORT'
  | 'SECRET_COMMON_WORD'
  | 'SECRET_REPEATED_CHARACTER'
  | 'SECRET_REPEATING_PATTERN'
  | 'SECRET_SEQUENCE'
  | 'SECRET_LOW_VARIETY'
  | 'SECRET_LOW_ENTROPY'
  | 'KEY_SET_INVALID'
  | 'OPTIONS_INVALID';

/** A start-up failure (weak JWT secret, bad key set, bad option) with a one-line, human message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly detail: ConfigErrorDetail;

  constructor(detail: ConfigErrorDetail, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.detail = detail;
  }
}
