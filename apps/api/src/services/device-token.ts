// Device tokens (OWASP "Slow Brute Force Attack" / device cookies): a successful login hands the client a
// token that says "this device logged in as <account> before". A later attempt that presents one valid for the
// username it tries is counted per device, apart from the account's lock-out, so a stranger who spends the
// account's attempts does not lock its owner out on a device that has logged in before.
//
// Wire form `lkd1.<issuedAtSeconds>.<nonce>.<mac>`: the nonce is 16 random bytes (the device's own counter
// key), the mac an HMAC-SHA-256 over the version, the account key, the issue time and the nonce. The username is
// bound through the mac only, so the token does not tell a reader whose it is.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { accountKey } from './account-key.js';

const VERSION = 'lkd1';
const NONCE_BYTES = 16;
// A device that has not logged in for a year is a stranger again: long enough that a device used now and then
// stays known, short enough to bound what a copied token is worth (its own counter, never a login).
export const DEVICE_TOKEN_LIFETIME_SECONDS = 365 * 86_400;
// Another instance's clock may run a little ahead of ours (the same tolerance app.ts gives access tokens).
const ISSUED_IN_FUTURE_TOLERANCE_SECONDS = 30;
/** Longer than any token this module issues; the input schema refuses a longer value outright. */
export const DEVICE_TOKEN_MAX_LENGTH = 128;

const WIRE_FORM = /^lkd1\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface DeviceTokens {
  /** A new token for a device that has just logged in as `username`. */
  issue(username: string): { token: string; expiresAt: Date };
  /**
   * The device's counter key when `token` is a valid, unexpired device token for `username`; null for
   * anything else (malformed, another account's, forged, expired): such an attempt is simply not trusted.
   */
  deviceFor(token: string | null, username: string): string | null;
}

export function createDeviceTokens(options: { key: Uint8Array; now: () => Date }): DeviceTokens {
  const mac = (username: string, issuedAt: string, nonce: string): Buffer =>
    createHmac('sha256', options.key)
      .update(`${VERSION}.${accountKey(username)}.${issuedAt}.${nonce}`)
      .digest();
  const nowSeconds = (): number => Math.floor(options.now().getTime() / 1000);

  return {
    issue(username) {
      const issuedAt = nowSeconds();
      const nonce = randomBytes(NONCE_BYTES).toString('base64url');
      const signature = mac(username, String(issuedAt), nonce).toString('base64url');
      return {
        token: `${VERSION}.${issuedAt}.${nonce}.${signature}`,
        expiresAt: new Date((issuedAt + DEVICE_TOKEN_LIFETIME_SECONDS) * 1000),
      };
    },
    deviceFor(token, username) {
      if (token === null) return null;
      const match = WIRE_FORM.exec(token);
      if (match === null) return null;
      const [, issuedAt = '', nonce = '', signature = ''] = match;
      // Compared as text, not as decoded bytes: base64url's last character carries spare bits that decoding
      // drops, so byte comparison would accept several spellings of one mac.
      const presented = Buffer.from(signature, 'utf8');
      const expected = Buffer.from(mac(username, issuedAt, nonce).toString('base64url'), 'utf8');
      if (presented.byteLength !== expected.byteLength || !timingSafeEqual(presented, expected)) return null;
      const age = nowSeconds() - Number(issuedAt);
      if (age < -ISSUED_IN_FUTURE_TOLERANCE_SECONDS || age > DEVICE_TOKEN_LIFETIME_SECONDS) return null;
      return nonce;
    },
  };
}
