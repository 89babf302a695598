// The HMAC key of device tokens, derived with HKDF (RFC 5869) from the secret material the API already signs
// with: JWT_SECRET, or the signing key of the key set. Every instance of a deployment holds the same material, so
// a device token issued by one verifies on all, and no new secret has to be configured or can be forgotten. The
// `info` label separates the derived key from the signing key: knowing one says nothing about the other.
// Replacing JWT_SECRET or rotating the key set changes the key, so devices are strangers again until they next
// log in (their logins still work; they only share the account's lock-out meanwhile).
import { hkdfSync } from 'node:crypto';
import type { SigningConfig } from '../config.js';
import { KeySetFileError, readKeySetFile } from './key-set-file.js';

const HKDF_INFO = 'latchkey device-token hmac-sha256 v1';
// RFC 2104: an HMAC key as long as the hash output.
const DEVICE_TOKEN_KEY_BYTES = 32;

export async function loadDeviceTokenKey(signing: SigningConfig): Promise<Uint8Array> {
  return new Uint8Array(
    hkdfSync('sha256', await secretMaterial(signing), new Uint8Array(0), HKDF_INFO, DEVICE_TOKEN_KEY_BYTES),
  );
}

async function secretMaterial(signing: SigningConfig): Promise<Uint8Array> {
  if (signing.kind === 'secret') return new TextEncoder().encode(signing.secret);
  const keySet = await readKeySetFile(signing.file);
  const signingKey = keySet?.keys.find((key) => key.retiredAt === undefined);
  const privatePart = signingKey?.privateJwk.d;
  // loadSigningKeys has read (or, in development, written) this file already: absence here is a race with an
  // operator replacing it, reported the same way.
  if (signingKey === undefined || typeof privatePart !== 'string') {
    throw new KeySetFileError(`Key set file ${signing.file} has no signing key to derive device tokens from`);
  }
  return Buffer.from(`${signingKey.kid}.${privatePart}`, 'utf8');
}
