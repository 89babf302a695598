import { describe, expect, it } from 'vitest';

import { decodeQuotedPrintable, emailedLinkToken } from './emailed-link.js';

const TOKEN = 'lkel_Abc-123_xyz';

function message(encoding: string, body: string): string {
  return [
    'From: bench@latchkey.test',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    body,
    '',
  ].join('\r\n');
}

describe('decodeQuotedPrintable', () => {
  it('joins soft line breaks and decodes escaped bytes, UTF-8 included', () => {
    expect(decodeQuotedPrintable('a=3Db=\r\nc caf=C3=A9')).toBe('a=bc café');
  });
});

describe('emailedLinkToken', () => {
  it('reads the token of a quoted-printable link broken over soft line breaks', () => {
    const raw = message(
      'quoted-printable',
      `Open https://app.latchkey.test/verify-email#token=3D${TOKEN.slice(0, 6)}=\r\n${TOKEN.slice(6)} to verify.`,
    );
    expect(emailedLinkToken(raw, 'verify-email')).toBe(TOKEN);
  });

  it('reads a 7bit link as it stands and URI-decodes it', () => {
    const raw = message('7bit', `https://app.latchkey.test/verify-email#token=${encodeURIComponent(TOKEN)}`);
    expect(emailedLinkToken(raw, 'verify-email')).toBe(TOKEN);
  });

  it('answers null for a message without a link to that page', () => {
    const raw = message('7bit', `https://app.latchkey.test/reset-password#token=${TOKEN}`);
    expect(emailedLinkToken(raw, 'verify-email')).toBeNull();
  });
});
