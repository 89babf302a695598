import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRefreshToken } from './refresh-token.js';
import {
  EMAIL_LINK_TOKEN_PREFIX,
  generateEmailLinkToken,
  hashEmailLinkToken,
  isWellFormedEmailLinkToken,
} from './email-link-token.js';

describe('email link tokens', () => {
  it('carries 256 random bits after its prefix, and only its SHA-256 is handed out for storage', () => {
    const { token, hash } = generateEmailLinkToken();
    expect(token.startsWith(EMAIL_LINK_TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(EMAIL_LINK_TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashEmailLinkToken(token)).toBe(hash);
    expect(hash).not.toContain(token.slice(EMAIL_LINK_TOKEN_PREFIX.length));
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateEmailLinkToken().token));
    expect(tokens.size).toBe(200);
  });

  it('recognises only its own exact shape', () => {
    const { token } = generateEmailLinkToken();
    expect(isWellFormedEmailLinkToken(token)).toBe(true);
    const body = token.slice(EMAIL_LINK_TOKEN_PREFIX.length);
    // The last character of a canonical body has its 4 unused bits zero; the next alphabet letter sets one.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(body.slice(-1));
    const nonCanonical = `${EMAIL_LINK_TOKEN_PREFIX}${body.slice(0, 42)}${alphabet[last + 1] ?? ''}`;
    for (const bad of [
      '',
      body,
      `${token}A`,
      token.slice(0, -1),
      `lkr_${body}`,
      generateRefreshToken().token,
      `${EMAIL_LINK_TOKEN_PREFIX}${'!'.repeat(43)}`,
      ` ${token}`,
      nonCanonical,
    ]) {
      expect(isWellFormedEmailLinkToken(bad), bad).toBe(false);
    }
  });
});
