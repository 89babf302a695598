/**
 * Where access tokens get their keys: an HS256 secret or an asymmetric key set. `importSigningKeys` turns
 * either into CryptoKeys once, at service creation, so no request pays for key parsing.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

import { importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';

import { ConfigError } from './errors.js';
import { JWT_SECRET_MIN_BYTES } from './jwt-secret.js';
import { parseKeySet } from './key-set.js';
import type { KeySetAlgorithm, StoredKeySet } from './key-set.js';

export type AccessTokenAlgorithm = 'HS256' | KeySetAlgorithm;

/** Build with `hmacSigningKeys` or `keySetSigningKeys`. */
export type SigningKeys =
  | { readonly kind: 'hmac'; readonly secret: Uint8Array; readonly retiredSecrets: readonly Uint8Array[] }
  | { readonly kind: 'key-set'; readonly keySet: StoredKeySet };

/** One key the service can verify with, pinned to the single algorithm it was made for. */
export interface VerificationKey {
  readonly alg: AccessTokenAlgorithm;
  readonly key: CryptoKey;
}

export interface ImportedSigningKeys {
  readonly algorithm: AccessTokenAlgorithm;
  readonly signer: { readonly kid: string; readonly alg: AccessTokenAlgorithm; readonly key: CryptoKey };
  /** By kid. A Map, so a hostile kid such as "__proto__" or "../../etc/passwd" is just a missing entry. */
  readonly verifiers: ReadonlyMap<string, VerificationKey>;
  readonly publicJwks: readonly JWK[];
}

/**
 * HS256 keys from the secret (see `parseJwtSecret`). `retiredSecrets` keep verifying tokens signed before a
 * secret rotation; drop them once those tokens have expired.
 */
export function hmacSigningKeys(
  secret: Uint8Array,
  options: { retiredSecrets?: readonly Uint8Array[] } = {},
): SigningKeys {
  const all = [secret, ...(options.retiredSecrets ?? [])];
  if (all.some((bytes) => bytes.byteLength < JWT_SECRET_MIN_BYTES)) {
    throw new ConfigError(
      'SECRET_TOO_SHORT',
      `HS256 secrets must be at least ${JWT_SECRET_MIN_BYTES} bytes.`,
    );
  }
  return {
    kind: 'hmac',
    secret: Uint8Array.from(secret),
    retiredSecrets: all.slice(1).map((bytes) => Uint8Array.from(bytes)),
  };
}

/** EdDSA / ES256 keys from a stored key set (see `parseKeySet`). */
export function keySetSigningKeys(keySet: StoredKeySet): SigningKeys {
  return { kind: 'key-set', keySet: parseKeySet(keySet) };
}

/** Imports every key once. Private key material never leaves this function except as a signing CryptoKey. */
export async function importSigningKeys(keys: SigningKeys): Promise<ImportedSigningKeys> {
  return keys.kind === 'hmac' ? importHmacKeys(keys.secret, keys.retiredSecrets) : importKeySet(keys.keySet);
}

async function importHmacKeys(
  secret: Uint8Array,
  retired: readonly Uint8Array[],
): Promise<ImportedSigningKeys> {
  const verifiers = new Map<string, VerificationKey>();
  let signer: ImportedSigningKeys['signer'] | undefined;
  for (const bytes of [secret, ...retired]) {
    const kid = hmacKeyId(bytes);
    // A copy typed Uint8Array<ArrayBuffer>: lib.dom's BufferSource refuses ArrayBufferLike, and the web app
    // type-checks this file under lib.dom through AppRouter.
    const raw = new Uint8Array(bytes);
    const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    verifiers.set(kid, { alg: 'HS256', key });
    signer ??= { kid, alg: 'HS256', key };
  }
  if (signer === undefined) throw new ConfigError('OPTIONS_INVALID', 'No HS256 secret was given.');
  // A symmetric key is never published: the JWKS is empty under HS256 (`{"keys":[]}`,
  // apps/api/README.md).
  return { algorithm: 'HS256', signer, verifiers, publicJwks: [] };
}

/**
 * A kid for an HS256 secret, so tokens name the secret that signed them (needed once secrets rotate).
 * A truncated SHA-256 of a 256-bit secret reveals nothing usable about it.
 */
function hmacKeyId(secret: Uint8Array): string {
  return createHash('sha256').update('latchkey hs256 kid\0').update(secret).digest('base64url').slice(0, 16);
}

async function importKeySet(keySet: StoredKeySet): Promise<ImportedSigningKeys> {
  const verifiers = new Map<string, VerificationKey>();
  const publicJwks: JWK[] = [];
  let signer: ImportedSigningKeys['signer'] | undefined;
  for (const stored of keySet.keys) {
    let publicJwk: JWK;
    try {
      publicJwk = createPublicKey(createPrivateKey({ key: stored.privateJwk, format: 'jwk' })).export({
        format: 'jwk',
      });
    } catch (cause) {
      throw invalidKey(stored.kid, 'is not a valid private key', cause);
    }
    // The public half is derived from the private key; a file whose "x"/"y" disagree with it is corrupt, and
    // publishing its members would announce a key that verifies nothing.
    if (publicJwk.x !== stored.privateJwk.x || publicJwk.y !== stored.privateJwk.y) {
      throw invalidKey(stored.kid, 'has public members that do not match its private key');
    }
    // An allow-list of public members, so no private member ("d") can reach the JWKS whatever the file holds.
    const published: JWK =
      stored.alg === 'ES256'
        ? {
            kty: 'EC',
            crv: 'P-256',
            x: publicJwk.x,
            y: publicJwk.y,
            kid: stored.kid,
            alg: stored.alg,
            use: 'sig',
          }
        : { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid: stored.kid, alg: stored.alg, use: 'sig' };
    publicJwks.push(published);
    verifiers.set(stored.kid, { alg: stored.alg, key: await asCryptoKey(published, stored.alg, stored.kid) });
    if (stored.retiredAt === undefined) {
      signer = {
        kid: stored.kid,
        alg: stored.alg,
        key: await asCryptoKey(stored.privateJwk, stored.alg, stored.kid),
      };
    }
  }
  if (signer === undefined)
    throw new ConfigError('KEY_SET_INVALID', 'The signing key set has no signing key.');
  return { algorithm: signer.alg, signer, verifiers, publicJwks };
}

async function asCryptoKey(jwk: JWK, alg: KeySetAlgorithm, kid: string): Promise<CryptoKey> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ ...jwk, ext: false }, alg);
  } catch (cause) {
    throw invalidKey(kid, `cannot be imported for ${alg}`, cause);
  }
  if (key instanceof Uint8Array) throw invalidKey(kid, 'is a symmetric key');
  return key;
}

function invalidKey(kid: string, problem: string, cause?: unknown): ConfigError {
  return new ConfigError('KEY_SET_INVALID', `The signing key set is invalid: key ${kid} ${problem}.`, {
    cause,
  });
}
