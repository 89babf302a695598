/**
 * The tokens of emailed links (verify an address, reset a password): opaque random secrets, stored only as
 * their SHA-256 like refresh tokens (256 bits of entropy cannot be guessed, so a fast hash is enough), with a
 * prefix of their own so a secret scanner tells them apart and neither kind can stand in for the other.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in a leaked log or paste, as `lkr_` is for refresh tokens. */
export const EMAIL_LINK_TOKEN_PREFIX = 'lke_';

/** OWASP Forgot Password Cheat Sheet: a reset token must be random and long; 256 bits, as refresh tokens. */
export const EMAIL_LINK_TOKEN_BYTES = 32;

const EMAIL_LINK_TOKEN_PATTERN = new RegExp(`^${EMAIL_LINK_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/**
 * A new link token and the hash to store.
 *
 * @example
 * const { token, hash } = generateEmailLinkToken(); // token -> the emailed link, hash -> email_tokens row
 */
export function generateEmailLinkToken(): { token: string; hash: string } {
  const token = EMAIL_LINK_TOKEN_PREFIX + randomBytes(EMAIL_LINK_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashEmailLinkToken(token) };
}

/** The value stored and looked up: SHA-256 of the whole token, lower-case hex. */
export function hashEmailLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when the string has the exact shape `generateEmailLinkToken` produces; check before any lookup. */
export function isWellFormedEmailLinkToken(token: string): boolean {
  if (typeof token !== 'string' || !EMAIL_LINK_TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(EMAIL_LINK_TOKEN_PREFIX.length);
  // The 43rd character carries 4 unused bits; only the canonical spelling is ours.
  return Buffer.from(body, 'base64url').toString('base64url') === body;
}
