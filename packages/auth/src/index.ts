/**
 * @latchkey/auth: access tokens, key sets, JWT secrets, refresh tokens, passwords and the password policy.
 * No database, no HTTP, no framework: config comes in as arguments, failures go out as typed errors.
 */
export { AuthError, ConfigError } from './errors.js';
export type { AuthErrorCode, ConfigErrorDetail, PasswordPolicyDetail, TokenFailureDetail } from './errors.js';

export {
  ACCESS_TOKEN_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_VERIFIED_CACHE_SIZE,
  MAX_ACCESS_TOKEN_LENGTH,
  MAX_CLOCK_TOLERANCE_SECONDS,
  createAccessTokenService,
} from './access-token.js';
export type {
  AccessTokenService,
  AccessTokenServiceOptions,
  AccessTokenSubject,
  IssuedAccessToken,
  VerifiedAccessToken,
  VerifiedCacheStats,
} from './access-token.js';

export { hmacSigningKeys, keySetSigningKeys } from './signing-keys.js';
export type { AccessTokenAlgorithm, SigningKeys } from './signing-keys.js';

export { generateSigningKey, parseKeySet, rotateKeySet } from './key-set.js';
export type { KeySetAlgorithm, StoredKey, StoredKeySet } from './key-set.js';

export {
  JWT_SECRET_MIN_BYTES,
  JWT_SECRET_MIN_ESTIMATED_BITS,
  estimateSecretBits,
  generateJwtSecret,
  parseJwtSecret,
} from './jwt-secret.js';

export {
  DEFAULT_REFRESH_REUSE_GRACE_SECONDS,
  REFRESH_TOKEN_PREFIX,
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
} from './refresh-token.js';
export { openSuccessor, sealSuccessor } from './successor-seal.js';
export {
  EMAIL_LINK_TOKEN_PREFIX,
  generateEmailLinkToken,
  hashEmailLinkToken,
  isWellFormedEmailLinkToken,
} from './email-link-token.js';

export {
  ARGON2_MEMORY_COST_KIB,
  ARGON2_PARALLELISM,
  ARGON2_TIME_COST,
  createPasswordHasher,
  defaultArgon2Concurrency,
} from './password.js';
export type { Argon2Engine, PasswordHasher, PasswordHasherOptions } from './password.js';

export {
  PASSWORD_MAX_BYTES,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  checkPasswordPolicy,
  normalizePassword,
} from './password-policy.js';

export type { JWK } from 'jose';
