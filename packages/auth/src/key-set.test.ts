import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { generateSigningKey, parseKeySet, rotateKeySet } from './key-set.js';
import type { StoredKey } from './key-set.js';
import { keySetSigningKeys } from './signing-keys.js';
import { createAccessTokenService } from './access-token.js';

describe('generateSigningKey', () => {
  it.each(['EdDSA', 'ES256'] as const)(
    'makes a private %s JWK whose kid is its RFC 7638 thumbprint',
    async (alg) => {
      const key = await generateSigningKey(alg, { now: new Date('2026-01-01T00:00:00Z') });
      expect(key.alg).toBe(alg);
      expect(key.createdAt).toBe('2026-01-01T00:00:00.000Z');
      expect(key.retiredAt).toBeUndefined();
      expect(key.privateJwk.d).toEqual(expect.any(String));
      const { d: _d, ...publicJwk } = key.privateJwk;
      expect(key.kid).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
      expect(parseKeySet(JSON.parse(JSON.stringify({ keys: [key] })))).toEqual({ keys: [key] });
    },
  );
});

describe('rotateKeySet', () => {
  it('retires the signer at now and drops retired keys past the retention', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const a = await generateSigningKey('EdDSA', { now: t0 });
    const b = await generateSigningKey('EdDSA', { now: t0 });
    const c = await generateSigningKey('EdDSA', { now: t0 });
    const afterB = rotateKeySet({ keys: [a] }, b, { now: t0, retainRetiredSeconds: 930 });
    expect(afterB.keys).toEqual([b, { ...a, retiredAt: t0.toISOString() }]);

    const t1 = new Date(t0.getTime() + 929_000);
    const afterC = rotateKeySet(afterB, c, { now: t1, retainRetiredSeconds: 930 });
    expect(afterC.keys.map((key) => [key.kid, key.retiredAt])).toEqual([
      [c.kid, undefined],
      [b.kid, t1.toISOString()],
      [a.kid, t0.toISOString()],
    ]);
    const t2 = new Date(t0.getTime() + 930_000);
    const afterD = rotateKeySet(afterC, await generateSigningKey('ES256'), {
      now: t2,
      retainRetiredSeconds: 930,
    });
    expect(afterD.keys.map((key) => key.kid)).not.toContain(a.kid);
    expect(afterD.keys.map((key) => key.kid)).toContain(b.kid);
  });
});

describe('parseKeySet', () => {
  const good = (): StoredKey => ({
    kid: 'key-1',
    alg: 'EdDSA',
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' },
    createdAt: '2026-01-01T00:00:00Z',
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'keys', /"keys" array/],
    ['no keys', { keys: [] }, /non-empty "keys" array/],
    ['a path in the kid', { keys: [{ ...good(), kid: '../../etc/passwd' }] }, /kid must be/],
    ['an unsupported alg', { keys: [{ ...good(), alg: 'RS256' }] }, /alg must be/],
    ['HS256 in a key set', { keys: [{ ...good(), alg: 'HS256' }] }, /alg must be/],
    [
      'a public key only',
      { keys: [{ ...good(), privateJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' } }] },
      /private OKP Ed25519 JWK/,
    ],
    [
      'an EC key labelled EdDSA',
      { keys: [{ ...good(), privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' } }] },
      /private OKP/,
    ],
    ['a bad date', { keys: [{ ...good(), createdAt: 'yesterday' }] }, /createdAt/],
    ['two signers', { keys: [good(), { ...good(), kid: 'key-2' }] }, /exactly one key/],
    ['no signer', { keys: [{ ...good(), retiredAt: '2026-01-02T00:00:00Z' }] }, /exactly one key/],
    ['duplicate kids', { keys: [good(), { ...good(), retiredAt: '2026-01-02T00:00:00Z' }] }, /share a kid/],
  ])('refuses %s with a one-line ConfigError', (_name, json, message) => {
    let caught: unknown;
    try {
      parseKeySet(json);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({
      detail: 'KEY_SET_INVALID',
      message: expect.stringMatching(message) as unknown,
    });
    expect((caught as Error).message).not.toContain('\n');
  });

  it.each<[string, unknown, string]>([
    ['keys not an array', { keys: 'abc' }, 'it must be an object with a non-empty "keys" array'],
    ['an array', [{ keys: [] }], 'it must be an object with a non-empty "keys" array'],
    ['null', null, 'it must be an object with a non-empty "keys" array'],
    ['a number as a key', { keys: [42] }, 'keys[0] must be an object'],
    ['null as a key', { keys: [null] }, 'keys[0] must be an object'],
    ['an array as a key', { keys: [[]] }, 'keys[0] must be an object'],
    ['a second key that is not an object', { keys: [good(), 'x'] }, 'keys[1] must be an object'],
    [
      'a kid of 65 characters',
      { keys: [{ ...good(), kid: 'k'.repeat(65) }] },
      'keys[0].kid must be 1-64 of [A-Za-z0-9_-]',
    ],
    [
      'a kid with a trailing space',
      { keys: [{ ...good(), kid: 'key-1 ' }] },
      'keys[0].kid must be 1-64 of [A-Za-z0-9_-]',
    ],
    ['an empty kid', { keys: [{ ...good(), kid: '' }] }, 'keys[0].kid must be 1-64 of [A-Za-z0-9_-]'],
    ['a numeric kid', { keys: [{ ...good(), kid: 7 }] }, 'keys[0].kid must be 1-64 of [A-Za-z0-9_-]'],
    [
      'a null JWK',
      { keys: [{ ...good(), privateJwk: null }] },
      'keys[0].privateJwk must be a private OKP Ed25519 JWK for EdDSA',
    ],
    [
      'a JWK of another key type on the right curve',
      { keys: [{ ...good(), privateJwk: { ...good().privateJwk, kty: 'EC' } }] },
      'keys[0].privateJwk must be a private OKP Ed25519 JWK for EdDSA',
    ],
    [
      'a JWK that is not an object',
      { keys: [{ ...good(), privateJwk: 'jwk' }] },
      'keys[0].privateJwk must be a private OKP Ed25519 JWK for EdDSA',
    ],
    [
      'a JWK of another curve',
      { keys: [{ ...good(), privateJwk: { ...good().privateJwk, crv: 'X25519' } }] },
      'keys[0].privateJwk must be a private OKP Ed25519 JWK for EdDSA',
    ],
    [
      'a JWK with a numeric d',
      { keys: [{ ...good(), privateJwk: { ...good().privateJwk, d: 1 } }] },
      'keys[0].privateJwk must be a private OKP Ed25519 JWK for EdDSA',
    ],
    [
      'an ES256 JWK without y',
      { keys: [{ ...good(), alg: 'ES256', privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', d: 'd' } }] },
      'keys[0].privateJwk must be a private EC P-256 JWK for ES256',
    ],
    [
      'a numeric createdAt',
      { keys: [{ ...good(), createdAt: 0 }] },
      'keys[0].createdAt must be an ISO 8601 date',
    ],
    [
      'a retiredAt that is not a date',
      { keys: [good(), { ...good(), kid: 'key-2', retiredAt: 'soon' }] },
      'keys[1].retiredAt must be an ISO 8601 date when present',
    ],
    [
      'a numeric retiredAt',
      { keys: [good(), { ...good(), kid: 'key-2', retiredAt: 1 }] },
      'keys[1].retiredAt must be an ISO 8601 date when present',
    ],
  ])('refuses %s, naming the exact problem', (_name, json, reason) => {
    expect(() => parseKeySet(json)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        detail: 'KEY_SET_INVALID',
        message: `The signing key set is invalid: ${reason}.`,
      }),
    );
  });

  it('accepts a kid of 64 characters and keeps retiredAt only on retired keys', () => {
    const parsed = parseKeySet({
      keys: [
        { ...good(), kid: 'k'.repeat(64) },
        { ...good(), kid: 'old', retiredAt: '2026-01-02T00:00:00Z' },
      ],
    });
    expect(parsed.keys.map((key) => [key.kid.length, Object.hasOwn(key, 'retiredAt')])).toEqual([
      [64, false],
      [3, true],
    ]);
    expect(parsed.keys[1]?.retiredAt).toBe('2026-01-02T00:00:00Z');
  });

  it('keeps only the JWK members it knows, so nothing unexpected travels on', () => {
    const parsed = parseKeySet({
      keys: [{ ...good(), privateJwk: { ...good().privateJwk, extra: 'x', key_ops: ['sign'] } }],
    });
    expect(parsed.keys[0]?.privateJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' });
  });

  it('refuses, at service creation, a private key that is not a real key', async () => {
    const keys = keySetSigningKeys({ keys: [good()] });
    await expect(
      createAccessTokenService({ keys, issuer: 'i', audience: 'a', ttlSeconds: 60 }),
    ).rejects.toMatchObject({ name: 'ConfigError', detail: 'KEY_SET_INVALID' });
  });

  it('refuses, at service creation, a key whose public members do not match its private key', async () => {
    const real = await generateSigningKey('EdDSA');
    const other = await generateSigningKey('EdDSA');
    const lying = { ...real, privateJwk: { ...real.privateJwk, x: other.privateJwk.x } };
    const caught: unknown = await createAccessTokenService({
      keys: keySetSigningKeys({ keys: [lying] }),
      issuer: 'i',
      audience: 'a',
      ttlSeconds: 60,
    }).catch((error: unknown) => error);
    // Which check refuses it depends on the runtime: Node 20 and 22 import the JWK and the public-member
    // comparison catches it, Node 24's OpenSSL refuses the import itself. Either way it is our one-line
    // ConfigError naming the key, not the crypto library's wording.
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ name: 'ConfigError', detail: 'KEY_SET_INVALID' });
    const message = (caught as Error).message;
    expect(message.startsWith(`The signing key set is invalid: key ${real.kid} `)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(String(real.privateJwk.d));
  });
});
