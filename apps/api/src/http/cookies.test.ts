import { describe, expect, it } from 'vitest';
import { refreshCookieConfig } from '../config.js';
import { refreshSetCookie } from './cookies.js';

describe('refreshSetCookie', () => {
  const expires = new Date('2026-02-01T00:00:00Z');

  it('in production: __Host- prefix, Secure, Path=/, httpOnly, SameSite=Strict', () => {
    expect(refreshSetCookie(refreshCookieConfig({ secure: true }), 'lkr_abc', expires)).toBe(
      '__Host-latchkey-refresh=lkr_abc; Path=/; Expires=Sun, 01 Feb 2026 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('in plain-HTTP development: no Secure, Path narrowed to /trpc', () => {
    expect(refreshSetCookie(refreshCookieConfig({ secure: false }), 'lkr_abc', expires)).toBe(
      'latchkey-refresh=lkr_abc; Path=/trpc; Expires=Sun, 01 Feb 2026 00:00:00 GMT; HttpOnly; SameSite=Strict',
    );
  });
});
