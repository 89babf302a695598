/**
 * Refresh tokens: opaque random secrets. The database stores only their SHA-256, so a leaked table does not
 * yield usable tokens; a fast hash is right here (unlike passwords) because the input has 256 bits of
 * entropy and cannot be guessed.
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * A recognisable prefix, so secret scanners (GitHub secret scanning, gitleaks, trufflehog) can match a
 * leaked refresh token with a simple pattern, as GitHub does with `ghp_` / `ghr_`.
 */
export const REFRESH_TOKEN_PREFIX = 'lkr_';

/** OWASP / RFC 9700 §4.14: a refresh token must be unguessable; 256 random bits leaves no margin to argue. */
export const REFRESH_TOKEN_BYTES = 32;

/**
 * How long an already-rotated refresh token may still be answered with its successor instead of being
 * treated as reuse: two tabs or a retried request racing one rotation. 10 seconds is Supabase Auth's default
 * `GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL`; RFC 9700 §4.14.2 asks for reuse detection, which applies
 * after the window.
 */
export const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 10;

const REFRESH_TOKEN_PATTERN = new RegExp(`^${REFRESH_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/**
 * A new refresh token and the hash to store.
 *
 * @example
 * const { token, hash } = generateRefreshToken(); // token -> client (cookie or body), hash -> sessions row
 */
export function generateRefreshToken(): { token: string; hash: string } {
  const token = REFRESH_TOKEN_PREFIX + randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** The value stored and looked up: SHA-256 of the whole token, lower-case hex. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when the string has the exact shape `generateRefreshToken` produces; check before any lookup. */
export function isWellFormedRefreshToken(token: string): boolean {
  if (typeof token !== 'string' || !REFRESH_TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(REFRESH_TOKEN_PREFIX.length);
  // The 43rd character carries 4 unused bits; only the canonical spelling is ours.
  return Buffer.from(body, 'base64url').toString('base64url') === body;
}
