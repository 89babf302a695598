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
  const weak: [string, string, ConfigErrorDetail][] = [
    ['empty', '', 'SECRET_TOO_SHORT'],
    ['"secret"', 'secret', 'SECRET_TOO_SHORT'],
    ['31 random-looking bytes', 'Kq3vN8xZp2Lr7Tb5Wc1Yh6Jd4Fg9Ms0', 'SECRET_TOO_SHORT'],
    ['15 two-byte characters (30 bytes)', 'é'.repeat(15), 'SECRET_TOO_SHORT'],
    ['"secret" six times', 'secret'.repeat(6), 'SECRET_COMMON_WORD'],
    ['a tutorial placeholder', 'my-super-secret-jwt-key-for-development', 'SECRET_COMMON_WORD'],
    ['"changeme" four times', 'changeme'.repeat(4), 'SECRET_COMMON_WORD'],
    ['"password" among symbols', 'xK9#PassWord#Lm2$Qv8!Zr4&Tn6@Wb7', 'SECRET_COMMON_WORD'],
    ['a keyboard walk', 'qwertyuiopasdfghjklzxcvbnm1234567', 'SECRET_COMMON_WORD'],
    ['32 times "a"', 'a'.repeat(32), 'SECRET_REPEATED_CHARACTER'],
    ['64 times "x"', 'x'.repeat(64), 'SECRET_REPEATED_CHARACTER'],
    ['mostly one character', 'Z9kZZmZZqZZ4ZZwZZrZZ7ZZtZZ2ZZbZZcZZ', 'SECRET_REPEATED_CHARACTER'],
    ['"abc" repeated', 'abc'.repeat(12), 'SECRET_REPEATING_PATTERN'],
    ['a symbol pattern repeated', 'Xq7!'.repeat(8), 'SECRET_REPEATING_PATTERN'],
    ['"hunter2" repeated', 'hunter2'.repeat(5), 'SECRET_REPEATING_PATTERN'],
    ['a descending sequence', '9876543210zyxwvutsrqponmlkjihgfedcba', 'SECRET_SEQUENCE'],
    ['nine distinct characters', '9a!q9zwe!xca9q!ezw9xq!ac9e!wzq9!xae9w!zq', 'SECRET_LOW_VARIETY'],
    ['a lower-case phrase', 'ilovemydogilovemycatilovemybird!!', 'SECRET_LOW_ENTROPY'],
    ['16 random bytes as hex (32 characters)', 'a3f1c9e2b7d4a608c3e9f1b2a7d5c4e8', 'SECRET_LOW_ENTROPY'],
  ];

  it.each(weak)('refuses %s with %s', (_name, secret, detail) => {
    expect(refusal(secret).detail).toBe(detail);
  });

  it('explains in one line how to generate a secret, without echoing the secret', () => {
    const secret = 'secret'.repeat(6);
    const { message } = refusal(secret);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(secret);
    expect(message).toMatch(
      /^JWT_SECRET is too weak: it contains a common word or password\. Generate one with `pnpm latchkey secret` or/,
    );
    expect(message).toContain(
      `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  });

  it('names the variable it was given', () => {
    expect(() => parseJwtSecret('short', { variableName: 'AUTH_SECRET' })).toThrow(
      /^AUTH_SECRET is too weak: it is 5 bytes long/,
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
