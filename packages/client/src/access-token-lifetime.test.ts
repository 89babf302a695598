import { describe, expect, it } from 'vitest';
import { accessTokenLifetimeMs, localAccessTokenExpiry } from './access-token-lifetime.js';

function tokenWith(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'EdDSA', typ: 'at+jwt' })}.${encode(claims)}.signature`;
}

describe('localAccessTokenExpiry', () => {
  it('counts the granted lifetime from receipt, whatever the server clock says', () => {
    const token = tokenWith({ iat: 1_000, exp: 1_900 });
    // The server's clock is two hours ahead of ours; its expiry would be meaningless here.
    const expiry = localAccessTokenExpiry(token, '2099-01-01T00:00:00.000Z', 5_000_000);
    expect(expiry).toBe(5_000_000 + 900_000);
  });

  it("falls back to the server's expiry when the token's claims cannot be read", () => {
    expect(localAccessTokenExpiry('opaque', '2026-11-22T10:00:00.000Z', 0)).toBe(
      Date.parse('2026-11-22T10:00:00.000Z'),
    );
    expect(localAccessTokenExpiry(tokenWith({ iat: 10, exp: 5 }), '2026-11-22T10:00:00.000Z', 0)).toBe(
      Date.parse('2026-11-22T10:00:00.000Z'),
    );
  });
});

describe('accessTokenLifetimeMs', () => {
  it.each([
    ['no payload', 'abc'],
    ['a payload that is not base64 JSON', 'a.%%%.c'],
    ['string claims', tokenWith({ iat: '1', exp: '2' })],
  ])('is null for %s', (_case, token) => {
    expect(accessTokenLifetimeMs(token)).toBeNull();
  });

  it('reads exp - iat in milliseconds', () => {
    expect(accessTokenLifetimeMs(tokenWith({ iat: 100, exp: 105, sub: 'ü' }))).toBe(5_000);
  });
});
