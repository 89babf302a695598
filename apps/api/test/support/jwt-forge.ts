// Hand-built JWTs for the attack tests: any header, any claims, signed with any key or not at all. Built with
// node:crypto rather than jose on purpose: a forger does not use the verifier's library, and a test that
// signed with it could share its assumptions.
import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

export type JwtSigner = (signingInput: string) => Buffer;

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `header.payload.signature`; with no signer, an empty signature (the `alg: none` form). */
export function forgeJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signer?: JwtSigner,
): string {
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${signer === undefined ? '' : signer(signingInput).toString('base64url')}`;
}

/** Ed25519 signatures with a private key (the server's own, from its key set file, or an attacker's). */
export function ed25519Signer(privateKey: KeyObject | JsonWebKey): JwtSigner {
  const key = isKeyObject(privateKey) ? privateKey : createPrivateKey({ key: privateKey, format: 'jwk' });
  return (signingInput) => sign(null, Buffer.from(signingInput), key);
}

function isKeyObject(value: KeyObject | JsonWebKey): value is KeyObject {
  return typeof (value as Partial<KeyObject>).export === 'function';
}

/** HMAC-SHA256 with any bytes as the secret: the algorithm-confusion attack uses the public key here. */
export function hs256Signer(secret: string | Buffer): JwtSigner {
  return (signingInput) => createHmac('sha256', secret).update(signingInput).digest();
}

/** A fresh Ed25519 key pair the server has never seen. */
export function attackerKeyPair(): { privateKey: KeyObject; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** The decoded claims of a JWT (not verified). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
