import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

import { createAccessTokenService } from './access-token.js';
import { generateSigningKey } from './key-set.js';
import { hmacSigningKeys, importSigningKeys, keySetSigningKeys } from './signing-keys.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, index) => index);

describe('hmacSigningKeys', () => {
  it.each([
    ['a 31-byte secret', new Uint8Array(31), []],
    ['a 31-byte retired secret', SECRET, [new Uint8Array(31)]],
    ['an empty secret', new Uint8Array(0), []],
  ])('refuses %s with ConfigError SECRET_TOO_SHORT', (_name, secret, retiredSecrets) => {
    expect(() => hmacSigningKeys(secret, { retiredSecrets })).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        detail: 'SECRET_TOO_SHORT',
        message: 'HS256 secrets must be at least 32 bytes.',
      }),
    );
  });

  it('keeps its own copies of the secrets, current first, so a caller reusing its buffers changes nothing', () => {
    const secret = Uint8Array.from(SECRET);
    const retired = new Uint8Array(32).fill(7);
    const keys = hmacSigningKeys(secret, { retiredSecrets: [retired] });
    secret.fill(0);
    retired.fill(0);
    expect(keys).toEqual({ kind: 'hmac', secret: SECRET, retiredSecrets: [new Uint8Array(32).fill(7)] });
    expect(hmacSigningKeys(SECRET)).toEqual({ kind: 'hmac', secret: SECRET, retiredSecrets: [] });
  });
});

describe('keySetSigningKeys', () => {
  it('wraps a validated key set', async () => {
    const key = await generateSigningKey('EdDSA');
    expect(keySetSigningKeys({ keys: [key] })).toEqual({ kind: 'key-set', keySet: { keys: [key] } });
  });
});

describe('importSigningKeys', () => {
  it('imports every key as a CryptoKey that cannot be exported again', async () => {
    const retired = { ...(await generateSigningKey('ES256')), retiredAt: '2026-01-01T00:00:00.000Z' };
    for (const keys of [
      hmacSigningKeys(SECRET),
      keySetSigningKeys({ keys: [await generateSigningKey('EdDSA'), retired] }),
    ]) {
      const imported = await importSigningKeys(keys);
      const all = [imported.signer.key, ...[...imported.verifiers.values()].map((verifier) => verifier.key)];
      expect(all.map((key) => key.extractable)).toEqual(all.map(() => false));
    }
  });

  it('names an HS256 secret by a stable kid (a truncated SHA-256), so tokens survive a restart', async () => {
    const imported = await importSigningKeys(hmacSigningKeys(SECRET));
    expect(imported.signer).toMatchObject({ kid: 'k_ZWKSVzerJarEls', alg: 'HS256' });
    expect([...imported.verifiers.keys()]).toEqual(['k_ZWKSVzerJarEls']);
    expect(imported.publicJwks).toEqual([]);
    const service = await createAccessTokenService({
      keys: hmacSigningKeys(SECRET),
      issuer: 'i',
      audience: 'a',
      ttlSeconds: 60,
    });
    const { token } = await service.issue({
      userId: 'u',
      sessionId: 's',
      role: 'user',
      authTime: new Date(),
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'k_ZWKSVzerJarEls' });
  });

  it('signs with the current secret and verifies with it and every retired one', async () => {
    const retired = new Uint8Array(32).fill(7);
    const imported = await importSigningKeys(hmacSigningKeys(SECRET, { retiredSecrets: [retired] }));
    expect(imported.signer.kid).toBe('k_ZWKSVzerJarEls');
    expect(imported.verifiers.size).toBe(2);
    expect([...imported.verifiers.values()].map((key) => key.alg)).toEqual(['HS256', 'HS256']);
  });

  it('signs with the one key set key without retiredAt, whatever its position', async () => {
    const retired = { ...(await generateSigningKey('ES256')), retiredAt: '2026-01-01T00:00:00.000Z' };
    const current = await generateSigningKey('EdDSA');
    const imported = await importSigningKeys(keySetSigningKeys({ keys: [retired, current] }));
    expect(imported).toMatchObject({ algorithm: 'EdDSA', signer: { kid: current.kid, alg: 'EdDSA' } });
    expect(imported.publicJwks.map((jwk) => [jwk.kid, jwk.kty, jwk.crv, jwk.alg, jwk.use])).toEqual([
      [retired.kid, 'EC', 'P-256', 'ES256', 'sig'],
      [current.kid, 'OKP', 'Ed25519', 'EdDSA', 'sig'],
    ]);
    expect([...imported.verifiers.entries()].map(([kid, key]) => [kid, key.alg])).toEqual([
      [retired.kid, 'ES256'],
      [current.kid, 'EdDSA'],
    ]);
  });

  it('refuses a key that is not a real private key, keeping the cause', async () => {
    const real = await generateSigningKey('EdDSA');
    const broken = { ...real, privateJwk: { ...real.privateJwk, d: 'AAAA' } };
    const error = await importSigningKeys(keySetSigningKeys({ keys: [broken] })).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      name: 'ConfigError',
      detail: 'KEY_SET_INVALID',
      message: `The signing key set is invalid: key ${real.kid} is not a valid private key.`,
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses an ES256 key whose y does not belong to its x (Node refuses the point itself)', async () => {
    const real = await generateSigningKey('ES256');
    const other = await generateSigningKey('ES256');
    const lying = { ...real, privateJwk: { ...real.privateJwk, y: other.privateJwk.y } };
    await expect(importSigningKeys(keySetSigningKeys({ keys: [lying] }))).rejects.toMatchObject({
      detail: 'KEY_SET_INVALID',
      message: `The signing key set is invalid: key ${real.kid} is not a valid private key.`,
    });
  });
});
