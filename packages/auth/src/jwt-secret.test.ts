import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import type { ConfigErrorDetail } from './errors.js';
import { JWT_SECRET_MIN_BYTES, estimateSecretBits, generateJwtSecret, parseJwtSecret } from './jwt-secret.js';

function refusal(secret: string): ConfigError {
  try {
    parseJwtSecret(secret);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the secret was accepted');
}

describe('parseJwtSecret', () => {
  const good = 'Kq3vN8xZp2Lr7Tb5Wc1Yh6Jd4Fg9Ms0aB3cD5eF7gHj'; // 43 base64url characters: 32 bytes
  // Each row is the first check it fails, with the reason the operator reads (the detail alone is shared by
  // "not an encoding" and "low entropy").
  const weak: [string, string, ConfigErrorDetail, string][] = [
    [
      'a sentence',
      'the quick brown fox jumps over the lazy dog',
      'SECRET_LOW_ENTROPY',
      'not hex or base64url',
    ],
    ['a good secret with a NUL byte', `${good}\u0000`, 'SECRET_LOW_ENTROPY', 'not hex or base64url'],
    ['standard base64 with + / =', `${good.slice(0, 40)}+/=`, 'SECRET_LOW_ENTROPY', 'not hex or base64url'],
    ['40 two-byte characters', 'é'.repeat(40), 'SECRET_LOW_ENTROPY', 'not hex or base64url'],
    ['base64url of 4n + 1 characters', `${good}Km`, 'SECRET_LOW_ENTROPY', 'not hex or base64url'],
    ['empty', '', 'SECRET_TOO_SHORT', 'decodes to 0 bytes'],
    ['"secret"', 'secret', 'SECRET_TOO_SHORT', 'decodes to 4 bytes'],
    [
      'a hyphenated passphrase',
      'our-company-jwt-signing-key-2026-prod',
      'SECRET_TOO_SHORT',
      'decodes to 27 bytes',
    ],
    ['42 base64url characters (31 bytes)', good.slice(0, 42), 'SECRET_TOO_SHORT', 'decodes to 31 bytes'],
    ['16 random bytes as hex', 'a3f1c9e2b7d4a608c3e9f1b2a7d5c4e8', 'SECRET_TOO_SHORT', 'decodes to 16 bytes'],
    [
      '31 random bytes as hex (62 characters)',
      'a3f1c9e2b7d4a608c3e9f1b2a7d5c4e8a3f1c9e2b7d4a608c3e9f1b2a7d5c4',
      'SECRET_TOO_SHORT',
      'decodes to 31 bytes',
    ],
    [
      'a lower-case passphrase of 47 characters',
      'our-company-jwt-signing-key-for-production-2026',
      'SECRET_LOW_VARIETY',
      'mix upper- and lower-case',
    ],
    [
      'an upper-case passphrase of 47 characters',
      'OUR_COMPANY_JWT_SIGNING_KEY_FOR_PRODUCTION_2026',
      'SECRET_LOW_VARIETY',
      'mix upper- and lower-case',
    ],
    [
      'a tutorial placeholder',
      'my-Super-Secret-jwt-key-for-development-2026',
      'SECRET_COMMON_WORD',
      'common word',
    ],
    ['"ChangeMe" six times', 'ChangeMe'.repeat(6), 'SECRET_COMMON_WORD', 'common word'],
    [
      '"password" among others',
      'xK9-PassWord-Lm2_Qv8-Zr4-Tn6-Wb7aB3cD5eF7gH',
      'SECRET_COMMON_WORD',
      'common word',
    ],
    ['a keyboard walk', 'QwertyuiopAsdfghjklZxcvbnm1234567890Qaz_Wsx', 'SECRET_COMMON_WORD', 'common word'],
    // The word search reaches the last character, and a word-like common password has 4 letters or more.
    [
      'a common password at the very end',
      'Xq7Rk2Pm9Tz4Wb6Nc8Vd1Hs3Jf5Lg0Ya_qQfootball',
      'SECRET_COMMON_WORD',
      'common word',
    ],
    [
      'a common password of exactly four letters',
      'Xq7Rk2Pm9Tz4Wb6Nc8Vd1Hs3Jf5Lg0Ya_qQabcd1234',
      'SECRET_COMMON_WORD',
      'common word',
    ],
    ['64 times "a" (hex)', 'a'.repeat(64), 'SECRET_REPEATED_CHARACTER', 'more than a third'],
    [
      'mostly one character',
      'Z9kZZmZZqZZ4ZZwZZrZZ7ZZtZZ2ZZbZZcZZ8ZZdZZeZZ',
      'SECRET_REPEATED_CHARACTER',
      'more than a third',
    ],
    ['"xYz" repeated', 'xYz'.repeat(16), 'SECRET_REPEATING_PATTERN', 'repeats a shorter pattern'],
    [
      'a pattern with a hyphen repeated',
      'Xq7-'.repeat(11),
      'SECRET_REPEATING_PATTERN',
      'repeats a shorter pattern',
    ],
    ['"Hunter2" repeated', 'Hunter2'.repeat(8), 'SECRET_REPEATING_PATTERN', 'repeats a shorter pattern'],
    [
      'a descending sequence',
      'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA',
      'SECRET_SEQUENCE',
      'mostly a sequence',
    ],
    [
      'nine distinct characters',
      'exFxce-9BBD9xBexeDc-FFxFaxFcxeDFB-Dx9xFBFFDxcx9x',
      'SECRET_LOW_VARIETY',
      'fewer than 10 different characters',
    ],
    [
      'three characters and a few others',
      'xxxQaxxB7aaaBkxxxBMBxBa2BaaBzxxBB_xBaBBBBxaaaBx',
      'SECRET_LOW_ENTROPY',
      'about 111 bits of entropy',
    ],
  ];

  it.each(weak)('refuses %s with %s', (_name, secret, detail, reason) => {
    const error = refusal(secret);
    expect(error.detail).toBe(detail);
    expect(error.message).toContain(reason);
  });

  it.each([['the quick brown fox jumps over the lazy dog'], ['our-company-jwt-signing-key-2026-prod']])(
    'refuses the passphrase %j and says what a secret must be, in one line',
    (passphrase) => {
      const { message } = refusal(passphrase);
      expect(message).not.toContain('\n');
      expect(message).not.toContain(passphrase);
      expect(message).toContain('It must be at least 32 random bytes written as hex or base64url.');
      expect(message).toContain('Generate one with `pnpm latchkey secret`');
    },
  );

  it('explains in one line how to generate a secret, without echoing the secret', () => {
    const secret = 'ChangeMe'.repeat(6);
    const { message } = refusal(secret);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(secret);
    expect(message).toMatch(
      /^JWT_SECRET is too weak: it contains a common word or password\. It must be at least 32 random bytes written as hex or base64url\. Generate one with `pnpm latchkey secret` or/,
    );
    expect(message).toContain(
      `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  });

  it('accepts exactly 32 bytes, as 43 base64url or 64 hex characters in either case', () => {
    const hex = 'a3f1c9e2b7d4a608c3e9f1b2a7d5c4e8b9f2c0e3d8a7b615c4e0f2b3a8d6c5e7';
    for (const secret of [good, hex, hex.toUpperCase()]) {
      expect(parseJwtSecret(secret)).toEqual(new TextEncoder().encode(secret));
    }
  });

  it('accepts a common password with fewer than four letters inside a random secret, as random hex would hold one', () => {
    // "lol12345" (3 letters) and "11223344" (none) are on the common-password list; 8-digit strings turn up in
    // random hex by chance, so only word-like entries count.
    for (const secret of [
      'Xq7Rk2Pm9Tz4Wb6Nc8Vd1Hs3Jf5Lg0Ya_qQlol12345',
      'Xq7Rk2Pm9Tz4Wb6Nc8Vd1Hs3Jf5Lg0Ya_qQ11223344',
    ]) {
      expect(parseJwtSecret(secret)).toEqual(new TextEncoder().encode(secret));
    }
  });

  it('names the variable it was given', () => {
    expect(() => parseJwtSecret('short', { variableName: 'AUTH_SECRET' })).toThrow(
      /^AUTH_SECRET is too weak: it decodes to 3 bytes/,
    );
  });

  it('accepts random 32-byte secrets as base64url, and as hex (property)', () => {
    fc.assert(
      // noBias: uniform bytes, as crypto.randomBytes gives; fast-check's default bias favours edge cases such
      // as 32 zero bytes, which is (rightly) a weak secret.
      fc.property(fc.noBias(fc.uint8Array({ minLength: 32, maxLength: 32 })), (bytes) => {
        for (const secret of [Buffer.from(bytes).toString('base64url'), Buffer.from(bytes).toString('hex')]) {
          expect(parseJwtSecret(secret)).toEqual(new TextEncoder().encode(secret));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('returns the UTF-8 bytes of the secret', () => {
    const secret = generateJwtSecret();
    expect(Buffer.from(parseJwtSecret(secret)).toString('utf8')).toBe(secret);
  });
});

describe('generateJwtSecret', () => {
  it('makes 32 random bytes in base64url that parseJwtSecret accepts', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateJwtSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(JWT_SECRET_MIN_BYTES);
      expect(() => parseJwtSecret(secret)).not.toThrow();
    }
  });
});

describe('estimateSecretBits', () => {
  it('scores repetition at zero and random base64url well above 128 bits', () => {
    expect(estimateSecretBits('a'.repeat(100))).toBe(0);
    expect(estimateSecretBits('ab'.repeat(16))).toBe(32);
    expect(estimateSecretBits(generateJwtSecret())).toBeGreaterThan(170);
  });
});
