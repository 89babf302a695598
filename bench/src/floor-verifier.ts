// The floor for token verification: the least work that still checks a JWT's signature and reads its
// claims, written directly on node:crypto with no library. No real verifier can be faster than this by
// much, so "ops/s against the floor" says how much a library's extra checks and abstractions cost.
//
// It checks nothing but the signature (no alg, typ, iss, aud or exp): it is a yardstick, not a verifier
// to copy into an application.
import { createHmac, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type FloorVerifier = (token: string) => Record<string, unknown>;

export class FloorVerificationError extends Error {
  override readonly name = 'FloorVerificationError';
}

interface TokenParts {
  signingInput: string;
  payloadSegment: string;
  signature: Buffer;
}

function splitToken(token: string): TokenParts {
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot <= 0 || lastDot === firstDot) throw new FloorVerificationError('not a compact JWS');
  return {
    signingInput: token.slice(0, lastDot),
    payloadSegment: token.slice(firstDot + 1, lastDot),
    signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
  };
}

function readPayload(payloadSegment: string): Record<string, unknown> {
  const payload: unknown = JSON.parse(Buffer.from(payloadSegment, 'base64url').toString('utf8'));
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new FloorVerificationError('payload is not a JSON object');
  }
  return payload as Record<string, unknown>;
}

/** HS256: HMAC-SHA256 over `header.payload`, a constant-time comparison, then JSON.parse of the payload. */
export function createHs256FloorVerifier(secret: Uint8Array): FloorVerifier {
  return (token) => {
    const { signingInput, payloadSegment, signature } = splitToken(token);
    const expected = createHmac('sha256', secret).update(signingInput).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new FloorVerificationError('bad signature');
    }
    return readPayload(payloadSegment);
  };
}

/** EdDSA (Ed25519): crypto.verify with an already-imported public KeyObject, then JSON.parse of the payload. */
export function createEdDsaFloorVerifier(publicKey: KeyObject): FloorVerifier {
  return (token) => {
    const { signingInput, payloadSegment, signature } = splitToken(token);
    if (!verifySignature(null, Buffer.from(signingInput), publicKey, signature)) {
      throw new FloorVerificationError('bad signature');
    }
    return readPayload(payloadSegment);
  };
}
