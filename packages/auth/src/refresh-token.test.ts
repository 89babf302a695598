import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { REFRESH_TOKEN_PREFIX, generateRefreshToken, isWellFormedRefreshToken } from './refresh-token.js';

describe('generateRefreshToken', () => {
  it('makes a prefixed 256-bit base64url token and its SHA-256 hex', () => {
    const { token, hash } = generateRefreshToken();
    expect(token.startsWith(REFRESH_TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(REFRESH_TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(isWellFormedRefreshToken(token)).toBe(true);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateRefreshToken().token));
    expect(tokens.size).toBe(1000);
  });
});

describe('isWellFormedRefreshToken', () => {
  const { token } = generateRefreshToken();
  it.each([
    ['empty', ''],
    ['no prefix', token.slice(REFRESH_TOKEN_PREFIX.length)],
    ['another prefix', `ghr_${token.slice(4)}`],
    ['one character short', token.slice(0, -1)],
    ['one character long', `${token}A`],
    ['standard base64 characters', `${token.slice(0, -2)}+/`],
    ['surrounding whitespace', ` ${token}`],
    ['an access token', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
  ])('rejects %s', (_name, candidate) => {
    expect(isWellFormedRefreshToken(candidate)).toBe(false);
  });

  it('is false, without throwing, for a value that only stringifies to a token', () => {
    expect(isWellFormedRefreshToken({ toString: () => token } as unknown as string)).toBe(false);
    expect(isWellFormedRefreshToken([token] as unknown as string)).toBe(false);
    expect(isWellFormedRefreshToken(undefined as unknown as string)).toBe(false);
  });

  it('rejects a non-canonical last character (same bytes, different string)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token.charAt(token.length - 1);
    const sibling = `${token.slice(0, -1)}${alphabet.charAt(alphabet.indexOf(last) ^ 1)}`;
    expect(Buffer.from(sibling.slice(4), 'base64url')).toEqual(Buffer.from(token.slice(4), 'base64url'));
    expect(isWellFormedRefreshToken(sibling)).toBe(false);
  });
});
