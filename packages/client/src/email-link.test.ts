import { describe, expect, it } from 'vitest';
import { emailLinkToken } from './email-link.js';

describe('emailLinkToken', () => {
  it('reads the token from the fragment of an emailed link, decoded', () => {
    expect(emailLinkToken('#token=lke_abc%2Bdef')).toBe('lke_abc+def');
    expect(emailLinkToken('token=lke_x')).toBe('lke_x');
    expect(emailLinkToken(new URL('https://app.example.com/reset-password#token=lke_y').hash)).toBe('lke_y');
  });

  it('is null without a token', () => {
    for (const fragment of ['', '#', '#token=', '#other=1']) expect(emailLinkToken(fragment)).toBeNull();
  });
});
