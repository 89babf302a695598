/**
 * The password policy of NIST SP 800-63B (rev. 4, §3.1.1.2): length limits, no composition rules, refuse
 * common passwords and the username. Checked at signup and password change, before any hashing.
 */
import { loadCommonPasswords } from './common-passwords.js';
import { AuthError, ConfigError } from './errors.js';
import type { PasswordPolicyDetail } from './errors.js';

/**
 * NIST SP 800-63B §3.1.1.2: at least 8 characters (15 when the password is the only factor; pass
 * `minLength: 15` for that).
 */
export const PASSWORD_MIN_LENGTH_DEFAULT = 8;

/** NIST SP 800-63B §3.1.1.2: verifiers should permit at least 64 characters; we permit 256 code points. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Upper bound on the UTF-8 size of the input, checked before normalising or hashing, so a 1 MB "password"
 * is refused in O(1) and never reaches argon2 (OWASP Password Storage Cheat Sheet: cap input to prevent
 * long-password denial of service). 256 code points of 4 bytes each fit.
 */
export const PASSWORD_MAX_BYTES = 1024;

/** Usernames shorter than this are only refused as the whole password, not as a part of it. */
const USERNAME_MIN_CONTAINED_LENGTH = 3;

const MESSAGES = {
  NOT_A_STRING: 'The password must be text.',
  TOO_MANY_BYTES: `The password is too long: at most ${PASSWORD_MAX_BYTES} bytes.`,
  TOO_SHORT: 'The password is too short.',
  TOO_LONG: `The password is too long: at most ${PASSWORD_MAX_LENGTH} characters.`,
  TOO_COMMON: 'This password is too common; choose another one.',
  CONTAINS_USERNAME: 'The password must not contain the username.',
} as const satisfies Record<PasswordPolicyDetail, string>;

/**
 * The one normalisation passwords get, in the policy and in the hasher alike: Unicode NFKC (NIST SP
 * 800-63B §3.1.1.2), so "ｐａｓｓ" (full width) and "pass" are the same password wherever they are typed.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * True when the raw input is over the byte cap. O(1) for huge inputs: every UTF-16 code unit is at least one
 * UTF-8 byte, so a string longer than the cap in code units is over it without counting.
 */
export function exceedsPasswordByteLimit(password: string): boolean {
  return password.length > PASSWORD_MAX_BYTES || Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
}

/**
 * Throws when `password` breaks the policy; returns nothing when it is acceptable.
 *
 * @throws AuthError code PASSWORD_POLICY, detail TOO_MANY_BYTES | TOO_SHORT | TOO_LONG | TOO_COMMON |
 *   CONTAINS_USERNAME (or NOT_A_STRING), with a message fit to show the user.
 * @example
 * checkPasswordPolicy(input.password, { username: input.username });
 * const hash = await hasher.hash(input.password);
 */
export function checkPasswordPolicy(
  password: string,
  context: { username: string; minLength?: number },
): void {
  const minLength = context.minLength ?? PASSWORD_MIN_LENGTH_DEFAULT;
  if (
    !Number.isInteger(minLength) ||
    minLength < PASSWORD_MIN_LENGTH_DEFAULT ||
    minLength > PASSWORD_MAX_LENGTH
  ) {
    throw new ConfigError(
      'OPTIONS_INVALID',
      `Password minLength must be an integer from ${PASSWORD_MIN_LENGTH_DEFAULT} to ${PASSWORD_MAX_LENGTH}.`,
    );
  }
  if (typeof password !== 'string') fail('NOT_A_STRING');
  if (exceedsPasswordByteLimit(password)) fail('TOO_MANY_BYTES');

  const normalized = normalizePassword(password);
  // NIST counts each Unicode code point as one character.
  const length = Array.from(normalized).length;
  if (length < minLength) fail('TOO_SHORT', `The password is too short: at least ${minLength} characters.`);
  if (length > PASSWORD_MAX_LENGTH) fail('TOO_LONG');

  const folded = normalized.toLowerCase();
  if (loadCommonPasswords().has(folded)) fail('TOO_COMMON');
  const username =
    typeof context.username === 'string' ? normalizePassword(context.username).toLowerCase() : '';
  if (
    username !== '' &&
    (folded === username ||
      (Array.from(username).length >= USERNAME_MIN_CONTAINED_LENGTH && folded.includes(username)))
  ) {
    fail('CONTAINS_USERNAME');
  }
}

function fail(detail: PasswordPolicyDetail, message: string = MESSAGES[detail]): never {
  throw new AuthError('PASSWORD_POLICY', detail, message);
}
