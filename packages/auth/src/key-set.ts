/**
 * The asymmetric key set: the JSON the CLI writes (.data/keys.json or KEY_SET_FILE), its validation, key
 * generation and rotation. Exactly one key (the one without `retiredAt`) signs; retired keys stay only to
 * verify tokens they signed until those have expired, then rotation drops them.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';

import { ConfigError } from './errors.js';

/** The asymmetric algorithms a key set may hold (RFC 8037 Ed25519 and RFC 7518 P-256). */
export type KeySetAlgorithm = 'EdDSA' | 'ES256';

export interface StoredKey {
  /** RFC 7638 thumbprint of the public key for generated keys; any 1-64 chars of [A-Za-z0-9_-] is accepted. */
  kid: string;
  alg: KeySetAlgorithm;
  /** The private JWK; the public half is derived from it, never read from the file. */
  privateJwk: JWK;
  /** ISO 8601 timestamps. */
  createdAt: string;
  retiredAt?: string;
}

export interface StoredKeySet {
  keys: StoredKey[];
}

const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** What each algorithm's private JWK must look like (RFC 8037 §2, RFC 7518 §6.2.2). */
const JWK_SHAPE = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', members: ['x', 'd'] },
  ES256: { kty: 'EC', crv: 'P-256', members: ['x', 'y', 'd'] },
} as const satisfies Record<KeySetAlgorithm, { kty: string; crv: string; members: readonly string[] }>;

/**
 * A new private key for the key set, with its thumbprint as `kid`.
 *
 * @example
 * const set = rotateKeySet(current, await generateSigningKey('EdDSA'), { now: new Date(), retainRetiredSeconds: 3600 });
 */
export async function generateSigningKey(
  alg: KeySetAlgorithm,
  options: { now?: Date } = {},
): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
  return { kid, alg, privateJwk, createdAt: (options.now ?? new Date()).toISOString() };
}

/**
 * Makes `newKey` the signing key: the current signer is retired at `now`, and retired keys whose
 * `retiredAt + retainRetiredSeconds` has passed are dropped. `retainRetiredSeconds` must cover the access
 * token lifetime plus the clock tolerance, or tokens signed just before the rotation stop verifying early.
 */
export function rotateKeySet(
  set: StoredKeySet,
  newKey: StoredKey,
  options: { now: Date; retainRetiredSeconds: number },
): StoredKeySet {
  const nowMs = options.now.getTime();
  const retired = set.keys
    .map((key) => (key.retiredAt === undefined ? { ...key, retiredAt: options.now.toISOString() } : key))
    .filter(
      (key) =>
        Date.parse(key.retiredAt ?? options.now.toISOString()) + options.retainRetiredSeconds * 1000 > nowMs,
    );
  const { retiredAt: _ignored, ...signer } = newKey;
  return parseKeySet({ keys: [signer, ...retired] });
}

/**
 * Validates the key set JSON (as read from disk) and returns it typed.
 *
 * @throws ConfigError (detail KEY_SET_INVALID) with a one-line message naming the first problem.
 */
export function parseKeySet(json: unknown): StoredKeySet {
  if (!isRecord(json) || !Array.isArray(json.keys) || json.keys.length === 0) {
    throw invalid('it must be an object with a non-empty "keys" array');
  }
  const keys = json.keys.map((entry: unknown, index) => parseKey(entry, index));
  const kids = new Set(keys.map((key) => key.kid));
  if (kids.size !== keys.length) throw invalid('two keys share a kid');
  const signers = keys.filter((key) => key.retiredAt === undefined);
  if (signers.length !== 1)
    throw invalid(`exactly one key must be without "retiredAt", found ${signers.length}`);
  return { keys };
}

function parseKey(entry: unknown, index: number): StoredKey {
  const where = `keys[${index}]`;
  if (!isRecord(entry)) throw invalid(`${where} must be an object`);
  const { kid, alg, privateJwk, createdAt, retiredAt } = entry;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid))
    throw invalid(`${where}.kid must be 1-64 of [A-Za-z0-9_-]`);
  if (alg !== 'EdDSA' && alg !== 'ES256') throw invalid(`${where}.alg must be "EdDSA" or "ES256"`);
  const shape = JWK_SHAPE[alg];
  if (
    !isRecord(privateJwk) ||
    privateJwk.kty !== shape.kty ||
    privateJwk.crv !== shape.crv ||
    !shape.members.every((member) => typeof privateJwk[member] === 'string')
  ) {
    throw invalid(`${where}.privateJwk must be a private ${shape.kty} ${shape.crv} JWK for ${alg}`);
  }
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw invalid(`${where}.createdAt must be an ISO 8601 date`);
  }
  if (retiredAt !== undefined && (typeof retiredAt !== 'string' || Number.isNaN(Date.parse(retiredAt)))) {
    throw invalid(`${where}.retiredAt must be an ISO 8601 date when present`);
  }
  const jwk: JWK = { kty: shape.kty, crv: shape.crv };
  for (const member of shape.members) jwk[member] = privateJwk[member] as string;
  return retiredAt === undefined
    ? { kid, alg, privateJwk: jwk, createdAt }
    : { kid, alg, privateJwk: jwk, createdAt, retiredAt };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string): ConfigError {
  return new ConfigError('KEY_SET_INVALID', `The signing key set is invalid: ${reason}.`);
}
