// Benchmark 1: access-token verification, operations per second, against the node:crypto floor.
//
// Every contender verifies the same token, issued by Latchkey (so it carries `typ: at+jwt` and a `kid`),
// back to back, awaiting each call as a request handler would. The libraries are given the checks they
// support that Latchkey also makes (algorithm pinned, issuer, audience; `typ` where the library has it).
import { createPublicKey, createSecretKey, randomBytes, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import {
  createAccessTokenService,
  generateSigningKey,
  hmacSigningKeys,
  keySetSigningKeys,
} from '@latchkey/auth';
import type { AccessTokenService, SigningKeys } from '@latchkey/auth';
import { createVerifier } from 'fast-jwt';
import { importJWK, jwtVerify } from 'jose';
import type { JWTVerifyOptions, KeyObject as JoseKeyObject } from 'jose';
import jsonwebtoken from 'jsonwebtoken';

import { createEdDsaFloorVerifier, createHs256FloorVerifier } from './floor-verifier.js';
import type { Row, Section } from './report.js';
import { measureOpsPerSecond, runAlternatingRounds } from './rounds.js';
import type { Contender } from './rounds.js';
import { median, medianPairedRatio } from './statistics.js';

const ISSUER = 'https://bench.latchkey.invalid';
const AUDIENCE = 'latchkey-bench';
const TTL_SECONDS = 900;
const FLOOR = 'node:crypto floor';

export interface VerifyBenchOptions {
  sliceMs: number;
  rounds: number;
  log: (line: string) => void;
}

interface NamedVerifier {
  name: string;
  verify: () => unknown;
  note?: string;
}

async function latchkeyService(keys: SigningKeys, verifiedCacheSize?: number): Promise<AccessTokenService> {
  return createAccessTokenService({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    ttlSeconds: TTL_SECONDS,
    ...(verifiedCacheSize === undefined ? {} : { verifiedCacheSize }),
  });
}

function issueFor(service: AccessTokenService): Promise<{ token: string }> {
  return service.issue({ userId: 'user-1', sessionId: 'session-1', role: 'user', authTime: new Date() });
}

const joseOptions = (algorithm: string): JWTVerifyOptions => ({
  algorithms: [algorithm],
  issuer: ISSUER,
  audience: AUDIENCE,
  typ: 'at+jwt',
});

async function hs256Verifiers(): Promise<NamedVerifier[]> {
  const secret = new Uint8Array(randomBytes(32));
  const keys = hmacSigningKeys(secret);
  const cached = await latchkeyService(keys);
  const uncached = await latchkeyService(keys, 0);
  const { token } = await issueFor(cached);
  const cryptoKey = await webcrypto.subtle.importKey(
    'raw',
    secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const fastJwt = createVerifier({
    key: Buffer.from(secret),
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  });
  const secretBuffer = Buffer.from(secret);
  const secretKeyObject = createSecretKey(secretBuffer);
  const jsonwebtokenOptions = { algorithms: ['HS256' as const], issuer: ISSUER, audience: AUDIENCE };
  const floor = createHs256FloorVerifier(secret);
  return [
    { name: FLOOR, verify: () => floor(token) },
    { name: 'latchkey verify, cache on', verify: () => cached.verify(token), note: 'the API default' },
    { name: 'latchkey verify, cache off', verify: () => uncached.verify(token) },
    { name: 'jose, Uint8Array secret', verify: () => jwtVerify(token, secret, joseOptions('HS256')) },
    {
      name: 'jose, imported CryptoKey',
      verify: () => jwtVerify(token, cryptoKey, joseOptions('HS256')),
    },
    { name: 'fast-jwt', verify: (): unknown => fastJwt(token), note: 'its own cache off (default)' },
    {
      name: 'jsonwebtoken, Buffer secret',
      verify: () => jsonwebtoken.verify(token, secretBuffer, jsonwebtokenOptions),
      note: 'tries createPublicKey first, every call',
    },
    {
      name: 'jsonwebtoken, KeyObject secret',
      verify: () => jsonwebtoken.verify(token, secretKeyObject, jsonwebtokenOptions),
    },
  ];
}

async function edDsaVerifiers(): Promise<NamedVerifier[]> {
  const stored = await generateSigningKey('EdDSA');
  const keys = keySetSigningKeys({ keys: [stored] });
  const cached = await latchkeyService(keys);
  const uncached = await latchkeyService(keys, 0);
  const { token } = await issueFor(cached);
  const { d: _private, ...publicJwk } = stored.privateJwk;
  const keyObject: KeyObject = createPublicKey({ key: publicJwk, format: 'jwk' });
  const cryptoKey = await importJWK(publicJwk, 'EdDSA');
  const fastJwt = createVerifier({
    key: keyObject.export({ type: 'spki', format: 'pem' }).toString(),
    algorithms: ['EdDSA'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  });
  const floor = createEdDsaFloorVerifier(keyObject);
  return [
    { name: FLOOR, verify: () => floor(token) },
    { name: 'latchkey verify, cache on', verify: () => cached.verify(token), note: 'the API default' },
    { name: 'latchkey verify, cache off', verify: () => uncached.verify(token) },
    {
      name: 'jose, KeyObject',
      verify: () => jwtVerify(token, keyObject as JoseKeyObject, joseOptions('EdDSA')),
    },
    { name: 'jose, imported CryptoKey', verify: () => jwtVerify(token, cryptoKey, joseOptions('EdDSA')) },
    { name: 'fast-jwt', verify: (): unknown => fastJwt(token), note: 'its own cache off (default)' },
  ];
}

/** Checks each contender accepts the token once before timing it: a contender that throws is no figure. */
async function assertAllVerify(verifiers: readonly NamedVerifier[]): Promise<void> {
  for (const verifier of verifiers) {
    try {
      await verifier.verify();
    } catch (error) {
      throw new Error(`${verifier.name} rejected a valid token`, { cause: error });
    }
  }
}

async function benchAlgorithm(
  algorithm: 'HS256' | 'EdDSA',
  verifiers: NamedVerifier[],
  options: VerifyBenchOptions,
): Promise<Section> {
  await assertAllVerify(verifiers);
  // One short unmeasured pass so the JIT and the cache see every contender before round 1.
  for (const verifier of verifiers)
    await measureOpsPerSecond(verifier.verify, Math.min(100, options.sliceMs));
  const contenders: Contender<number>[] = verifiers.map((verifier) => ({
    name: verifier.name,
    measure: () => measureOpsPerSecond(verifier.verify, options.sliceMs),
  }));
  const results = await runAlternatingRounds(contenders, {
    rounds: options.rounds,
    onRound: (round) => {
      options.log(`verify ${algorithm}: round ${round + 1}/${options.rounds}`);
    },
  });
  const floor = results.get(FLOOR) ?? [];
  const rows: Row[] = verifiers.map((verifier) => {
    const measured = results.get(verifier.name) ?? [];
    return {
      name: verifier.name,
      value: median(measured),
      samples: measured,
      unit: 'ops/s',
      ratio: medianPairedRatio(measured, floor),
      against: FLOOR,
      ...(verifier.note === undefined ? {} : { note: verifier.note }),
    };
  });
  const notes = [
    `${options.rounds} alternated rounds of ${options.sliceMs} ms per contender; one token verified back to back, each call awaited`,
    algorithm === 'HS256'
      ? 'floor: HMAC-SHA256 over header.payload + timingSafeEqual + JSON.parse of the payload'
      : 'floor: crypto.verify(Ed25519) with an imported KeyObject + JSON.parse of the payload; jsonwebtoken has no EdDSA',
  ];
  return {
    id: `verify-${algorithm.toLowerCase()}`,
    title: `1. Token verify, ${algorithm}`,
    rows,
    notes,
    skipped: null,
  };
}

/** Runs benchmark 1 for HS256 and EdDSA. */
export async function runVerifyBench(options: VerifyBenchOptions): Promise<Section[]> {
  return [
    await benchAlgorithm('HS256', await hs256Verifiers(), options),
    await benchAlgorithm('EdDSA', await edDsaVerifiers(), options),
  ];
}
