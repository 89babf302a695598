/**
 * Sealing a rotated refresh token's successor under the token it replaced.
 *
 * When a client presents a refresh token that was rotated a moment ago (inside the grace window, see
 * DEFAULT_REFRESH_REUSE_GRACE_SECONDS), the API answers with the current successor instead of starting a
 * second chain or revoking the session. The database must not store that successor in the clear (it only
 * holds hashes), so it is stored encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from the
 * presented token: only someone holding the previous token can open it, and a database dump reveals nothing.
 * HKDF without stretching is right because the input key is a 256-bit random token, not a password.
 *
 * Format: `v1.` + base64url(salt[16] || iv[12] || ciphertext || tag[16]).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1.';
const SALT_BYTES = 16;
/** NIST SP 800-38D §8.2: a 96-bit IV for GCM; random is safe because every seal also has a fresh key. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_INFO = 'latchkey refresh-token successor v1';
/** Sealed refresh tokens are about 120 characters; anything far longer is not ours and is not decoded. */
const MAX_SEALED_LENGTH = 1024;

/**
 * Encrypts `successorToken` so that only `presentedToken` opens it.
 *
 * @example
 * const successorSealed = sealSuccessor(next.token, presentedToken); // stored with the rotated session row
 */
export function sealSuccessor(successorToken: string, presentedToken: string): string {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(presentedToken, salt), iv);
  cipher.setAAD(Buffer.from(VERSION));
  const ciphertext = Buffer.concat([cipher.update(successorToken, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([salt, iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

/**
 * The successor sealed under `presentedToken`, or null when it cannot be opened: another token, tampered or
 * truncated data, an unknown format. Never throws for bad input.
 */
export function openSuccessor(sealed: string, presentedToken: string): string | null {
  if (typeof sealed !== 'string' || !sealed.startsWith(VERSION) || sealed.length > MAX_SEALED_LENGTH)
    return null;
  const encoded = sealed.slice(VERSION.length);
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.toString('base64url') !== encoded || bytes.length < SALT_BYTES + IV_BYTES + TAG_BYTES)
    return null;
  const salt = bytes.subarray(0, SALT_BYTES);
  const iv = bytes.subarray(SALT_BYTES, SALT_BYTES + IV_BYTES);
  const ciphertext = bytes.subarray(SALT_BYTES + IV_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(presentedToken, salt), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(VERSION));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    // GCM authentication failed: wrong presented token or altered bytes. Both mean "no successor for you".
    return null;
  }
}

function deriveKey(presentedToken: string, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(presentedToken, 'utf8'), salt, HKDF_INFO, KEY_BYTES));
}
