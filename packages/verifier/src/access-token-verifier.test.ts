// The verifier against a real HTTP server publishing a JWKS, with tokens signed by jose as the API signs them:
// every forgery an attacker can mint without the API's private key, and what the verifier costs the API.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier, type VerifierOptions } from './access-token-verifier.js';
import { VerifierConfigError, VerifierError } from './errors.js';

const ISSUER = 'https://auth.test';
const AUDIENCE = 'latchkey-api';

interface SigningKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint that counts its requests; `keys` is what it publishes now. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  readonly #server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.statusCode = 404;
      response.end();
      return;
    }
    this.fetches += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: this.keys }));
  });
  url = '';

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

interface TokenOverrides {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

async function sign(key: SigningKey, overrides: TokenOverrides = {}): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: crypto.randomUUID(),
    sid: crypto.randomUUID(),
    role: 'user',
    jti: crypto.randomUUID(),
    iat: nowSeconds,
    exp: nowSeconds + 900,
    auth_time: nowSeconds,
    ...overrides.claims,
  })
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...overrides.header })
    .sign(key.privateKey);
}

/** A token with any header and payload, and any signature bytes: what `alg: none` and HS256 forgeries are. */
function unsignedToken(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature = '',
): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.${signature}`;
}

async function failure(promise: Promise<unknown>): Promise<VerifierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VerifierError) return error;
    throw error;
  }
  throw new Error('expected the verification to fail');
}

let jwks: JwksServer;
let current: SigningKey;
const started: Verifier[] = [];

async function startVerifier(options: Partial<VerifierOptions> = {}): Promise<Verifier> {
  const verifier = createVerifier({
    apiUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    revocations: 'ignore',
    ...options,
  });
  await verifier.start();
  started.push(verifier);
  return verifier;
}

beforeAll(async () => {
  jwks = new JwksServer();
  await jwks.listen();
  current = await signingKey('key-1');
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((verifier) => verifier.stop()));
  jwks.keys = [current.publicJwk];
});
afterAll(() => jwks.close());

describe('createVerifier in jwks mode', () => {
  it('accepts a token signed by a published key, and returns its claims', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const sessionId = crypto.randomUUID();
    const claims = await verifier.verify(await sign(current, { claims: { sid: sessionId, role: 'admin' } }));
    expect(claims.sessionId).toBe(sessionId);
    expect(claims.role).toBe('admin');
    expect(claims.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('accepts ES256 keys too', async () => {
    const es256 = await signingKey('key-es', 'ES256');
    jwks.keys = [es256.publicJwk];
    const verifier = await startVerifier();
    expect((await verifier.verify(await sign(es256))).role).toBe('user');
  });

  it('refuses a token signed by a key the JWKS does not hold, with the kid of one it does', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const impostor = { ...(await signingKey('key-1')), kid: 'key-1' };
    const error = await failure(verifier.verify(await sign(impostor)));
    expect([error.code, error.detail]).toEqual(['TOKEN_INVALID', 'BAD_SIGNATURE']);
  });

  it('refuses a token whose kid the JWKS does not hold', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const stranger = await signingKey('not-published');
    const error = await failure(verifier.verify(await sign(stranger)));
    expect([error.code, error.detail]).toEqual(['TOKEN_INVALID', 'UNKNOWN_KID']);
  });

  it('refuses a token of a rotated-out key once the JWKS no longer lists it', async () => {
    const next = await signingKey('key-2');
    jwks.keys = [next.publicJwk];
    const verifier = await startVerifier();
    const error = await failure(verifier.verify(await sign(current)));
    expect(error.detail).toBe('UNKNOWN_KID');
    expect((await verifier.verify(await sign(next))).role).toBe('user');
  });

  it('picks up a key added by a rotation on the first token that names it, once past the cooldown', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier({ jwksCooldownSeconds: 0 });
    const next = await signingKey('key-rotated-in');
    jwks.keys = [next.publicJwk, current.publicJwk];
    expect((await verifier.verify(await sign(next))).role).toBe('user');
    expect((await verifier.verify(await sign(current))).role).toBe('user');
  });

  it('fetches the JWKS at most once per cooldown however many unknown kids arrive', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier({ jwksCooldownSeconds: 30 });
    const fetchesAtStart = jwks.fetches;
    const forger = await signingKey('forged');
    const forged = await Promise.all(
      Array.from({ length: 100 }, (_, index) => sign({ ...forger, kid: `forged-${index}` })),
    );
    const errors = await Promise.all(forged.map((token) => failure(verifier.verify(token))));
    expect(errors.every((error) => error.detail === 'UNKNOWN_KID')).toBe(true);
    // The start-up load is within the cooldown, so the flood costs nothing more.
    expect(jwks.fetches - fetchesAtStart).toBe(0);
  });

  it.each([
    ['alg none', { alg: 'none', typ: 'at+jwt', kid: 'key-1' }, ''],
    ['HS256 (a public key used as an HMAC secret)', { alg: 'HS256', typ: 'at+jwt', kid: 'key-1' }, 'c2ln'],
    ['RS256', { alg: 'RS256', typ: 'at+jwt', kid: 'key-1' }, 'c2ln'],
  ])('refuses %s against an asymmetric JWKS, before any crypto', async (_name, header, signature) => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const claims = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'u',
      sid: 's',
      role: 'admin',
      jti: 'j',
      iat: nowSeconds,
      exp: nowSeconds + 900,
      auth_time: nowSeconds,
    };
    const error = await failure(verifier.verify(unsignedToken(header, claims, signature)));
    expect([error.code, error.detail]).toEqual(['TOKEN_INVALID', 'ALG_NOT_ALLOWED']);
  });

  it.each([
    ['a wrong issuer', { claims: { iss: 'https://evil.test' } }, 'CLAIM_ISS'],
    ['a wrong audience', { claims: { aud: 'another-api' } }, 'CLAIM_AUD'],
    ['typ JWT (an ID token, not an access token)', { header: { typ: 'JWT' } }, 'TYP'],
    ['no sid', { claims: { sid: undefined } }, 'CLAIM_SID'],
    ['an empty role', { claims: { role: '' } }, 'CLAIM_ROLE'],
    ['iat in the future', { claims: { iat: Math.floor(Date.now() / 1000) + 3600 } }, 'IAT_IN_FUTURE'],
    ['an embedded jwk', { header: { jwk: { kty: 'OKP' } } }, 'EMBEDDED_KEY'],
  ])('refuses a token with %s', async (_name, overrides: TokenOverrides, detail) => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const error = await failure(verifier.verify(await sign(current, overrides)));
    expect([error.code, error.detail]).toEqual(['TOKEN_INVALID', detail]);
  });

  it('refuses a crit header before any crypto (RFC 7515 section 4.1.11)', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const header = { alg: 'EdDSA', typ: 'at+jwt', kid: 'key-1', crit: ['exp'], exp: 1 };
    const error = await failure(verifier.verify(unsignedToken(header, { sub: 'u' }, 'c2ln')));
    expect([error.code, error.detail]).toEqual(['TOKEN_INVALID', 'CRIT']);
  });

  it('refuses an expired token as TOKEN_EXPIRED, past the 30 s tolerance only', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const justExpired = await sign(current, { claims: { iat: nowSeconds - 900, exp: nowSeconds - 10 } });
    expect((await verifier.verify(justExpired)).role).toBe('user');
    const expired = await sign(current, { claims: { iat: nowSeconds - 900, exp: nowSeconds - 31 } });
    const error = await failure(verifier.verify(expired));
    expect([error.code, error.detail]).toEqual(['TOKEN_EXPIRED', 'EXPIRED']);
  });

  it('refuses malformed and oversized tokens without a request to the API', async () => {
    jwks.keys = [current.publicJwk];
    const verifier = await startVerifier();
    const fetches = jwks.fetches;
    expect((await failure(verifier.verify('a.b'))).detail).toBe('MALFORMED');
    expect((await failure(verifier.verify('\u0000.\uD800.x'))).detail).toBe('MALFORMED');
    expect((await failure(verifier.verify('a'.repeat(9000)))).detail).toBe('TOO_LARGE');
    expect(jwks.fetches).toBe(fetches);
  });
});

describe('when the API cannot be reached, or cannot be trusted this way', () => {
  it('refuses to start while the JWKS is out of reach', async () => {
    const verifier = createVerifier({
      apiUrl: 'http://127.0.0.1:9',
      issuer: ISSUER,
      audience: AUDIENCE,
      revocations: 'ignore',
    });
    const error = await failure(verifier.start());
    expect([error.code, error.detail]).toEqual(['UNAVAILABLE', 'JWKS_UNREACHABLE']);
  });

  it('refuses every token as UNAVAILABLE once the key set expired and the API is gone', async () => {
    const server = new JwksServer();
    await server.listen();
    server.keys = [current.publicJwk];
    const verifier = createVerifier({
      apiUrl: server.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      revocations: 'ignore',
      jwksCacheSeconds: 0,
    });
    await verifier.start();
    await server.close();
    const error = await failure(verifier.verify(await sign(current)));
    expect([error.code, error.detail]).toEqual(['UNAVAILABLE', 'JWKS_UNREACHABLE']);
  });

  it('refuses to start against an API that publishes no public key (HS256), naming introspection', async () => {
    jwks.keys = [];
    const verifier = createVerifier({
      apiUrl: jwks.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      revocations: 'ignore',
    });
    await expect(verifier.start()).rejects.toThrow(VerifierConfigError);
    await expect(verifier.start()).rejects.toThrow(/HS256.*mode: "introspection"/);
  });

  it('refuses options that would silently weaken it', () => {
    const base = { apiUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE };
    expect(() => createVerifier(base)).toThrow(/serviceClient is needed/);
    expect(() => createVerifier({ ...base, mode: 'introspection', revocations: 'ignore' })).toThrow(
      /serviceClient is needed/,
    );
    expect(() => createVerifier({ ...base, revocations: 'ignore', clockToleranceSeconds: 300 })).toThrow(
      /clockToleranceSeconds/,
    );
    expect(() => createVerifier({ ...base, revocations: 'ignore', apiUrl: 'file:///etc/passwd' })).toThrow(
      /apiUrl/,
    );
    expect(() => createVerifier({ ...base, revocations: 'ignore', issuer: '' })).toThrow(/issuer/);
  });
});
