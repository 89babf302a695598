import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

import {
  createAccessTokenService,
  generateSigningKey,
  hmacSigningKeys,
  keySetSigningKeys,
} from '@latchkey/auth';
import type { SigningKeys } from '@latchkey/auth';
import { describe, expect, it } from 'vitest';

import {
  createEdDsaFloorVerifier,
  createHs256FloorVerifier,
  FloorVerificationError,
} from './floor-verifier.js';

const subject = { userId: 'user-1', sessionId: 'session-1', role: 'user', authTime: new Date() };

async function issue(keys: SigningKeys): Promise<string> {
  const service = await createAccessTokenService({
    keys,
    issuer: 'bench',
    audience: 'bench',
    ttlSeconds: 60,
  });
  return (await service.issue(subject)).token;
}

/** The token with its payload replaced (same header and signature): a forged claim. */
function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('HS256 floor verifier', () => {
  const secret = new Uint8Array(randomBytes(32));
  const verify = createHs256FloorVerifier(secret);

  it('accepts a token Latchkey signed with the same secret and returns its claims', async () => {
    const token = await issue(hmacSigningKeys(secret));
    expect(verify(token)).toMatchObject({ sub: 'user-1', sid: 'session-1', role: 'user' });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await issue(hmacSigningKeys(new Uint8Array(randomBytes(32))));
    expect(() => verify(token)).toThrow(FloorVerificationError);
  });

  it('rejects a forged payload under the original signature', async () => {
    const token = await issue(hmacSigningKeys(secret));
    expect(() => verify(withPayload(token, { sub: 'user-1', role: 'admin' }))).toThrow('bad signature');
  });

  it('rejects a truncated signature and a token without segments', async () => {
    const token = await issue(hmacSigningKeys(secret));
    expect(() => verify(token.slice(0, -4))).toThrow(FloorVerificationError);
    expect(() => verify('not-a-token')).toThrow('not a compact JWS');
  });
});

describe('EdDSA floor verifier', () => {
  it('accepts a token signed by the matching private key and rejects one from another key', async () => {
    const stored = await generateSigningKey('EdDSA');
    const { d: _private, ...publicJwk } = stored.privateJwk;
    const verify = createEdDsaFloorVerifier(createPublicKey({ key: publicJwk, format: 'jwk' }));
    const token = await issue(keySetSigningKeys({ keys: [stored] }));
    expect(verify(token)).toMatchObject({ sub: 'user-1' });

    const other = createEdDsaFloorVerifier(generateKeyPairSync('ed25519').publicKey);
    expect(() => other(token)).toThrow('bad signature');
    expect(() => verify(withPayload(token, { sub: 'someone-else' }))).toThrow('bad signature');
  });
});
