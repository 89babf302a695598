import { describe, expect, it } from 'vitest';

import { AuthError } from './errors.js';
import type { PasswordPolicyDetail } from './errors.js';
import { createPasswordHasher } from './password.js';
import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  checkPasswordPolicy,
  normalizePassword,
} from './password-policy.js';

function refusal(
  password: string,
  context: { username: string; minLength?: number } = { username: 'ada_lovelace' },
): AuthError {
  try {
    checkPasswordPolicy(password, context);
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('the password was accepted');
}

describe('checkPasswordPolicy', () => {
  it('has the NIST limits', () => {
    expect([PASSWORD_MIN_LENGTH_DEFAULT, PASSWORD_MAX_LENGTH, PASSWORD_MAX_BYTES]).toEqual([8, 256, 1024]);
  });

  const refused: [string, string, PasswordPolicyDetail, { username: string; minLength?: number }?][] = [
    ['empty', '', 'TOO_SHORT'],
    ['7 characters', 'Zx9!qW2', 'TOO_SHORT'],
    ['7 code points, 14 UTF-16 units', '😀😀😀😀😀😀😀', 'TOO_SHORT'],
    ['14 characters with minLength 15', 'tangerine-moss', 'TOO_SHORT', { username: 'ada', minLength: 15 }],
    ['257 characters', 'x7'.repeat(128) + 'q', 'TOO_LONG'],
    ['300 two-byte characters (600 bytes)', 'é'.repeat(300), 'TOO_LONG'],
    ['1025 bytes', 'a'.repeat(1025), 'TOO_MANY_BYTES'],
    ['a 1 MB password', 'b'.repeat(1024 * 1024), 'TOO_MANY_BYTES'],
    ['257 four-byte emoji (1028 bytes)', '😀'.repeat(257), 'TOO_MANY_BYTES'],
    ['"password"', 'password', 'TOO_COMMON'],
    ['"PassWord" (case-insensitive)', 'PassWord', 'TOO_COMMON'],
    ['full-width "ｐａｓｓｗｏｒｄ" (NFKC)', 'ｐａｓｓｗｏｒｄ', 'TOO_COMMON'],
    ['"iloveyou"', 'iloveyou', 'TOO_COMMON'],
    ['"qwertyuiop"', 'qwertyuiop', 'TOO_COMMON'],
    ['"1q2w3e4r5t"', '1q2w3e4r5t', 'TOO_COMMON'],
    ['the username', 'ada_lovelace', 'CONTAINS_USERNAME'],
    ['the username in capitals', 'ADA_LOVELACE', 'CONTAINS_USERNAME'],
    ['the username inside', 'my-ada_lovelace-pass', 'CONTAINS_USERNAME'],
    ['the username in full width', 'ａｄａ＿ｌｏｖｅｌａｃｅ!!', 'CONTAINS_USERNAME'],
    [
      'a full-width username, typed in ASCII',
      'xx-grace-hopper-xx',
      'CONTAINS_USERNAME',
      { username: 'ＧＲＡＣＥ-hopper' },
    ],
    ['a two-letter username, exactly', 'ab', 'TOO_SHORT', { username: 'ab' }],
    ['a three-letter username inside', 'tangerine-ada-moss', 'CONTAINS_USERNAME', { username: 'Ada' }],
  ];

  it.each(refused)('refuses %s with %s', (_name, password, detail, context) => {
    const error = refusal(password, context);
    expect({ code: error.code, detail: error.detail }).toEqual({ code: 'PASSWORD_POLICY', detail });
  });

  it.each([
    ['8 characters', 'Zx9!qW2m'],
    ['64 characters', 'correct horse battery staple and more words to reach sixty-four'],
    ['256 characters', 'x7'.repeat(128)],
    ['no composition: lower case only', 'tangerine moss lantern'],
    ['no composition: digits only', '40960735118273'],
    ['Cyrillic', 'пароль-надёжный-2024'],
    ['256 four-byte emoji (1024 bytes)', '😀'.repeat(256)],
    ['a two-letter username inside a longer password', 'alphabet soup tonight'],
  ])('accepts %s', (_name, password) => {
    expect(() => {
      checkPasswordPolicy(password, {
        username: password === 'alphabet soup tonight' ? 'al' : 'ada_lovelace',
      });
    }).not.toThrow();
  });

  it('refuses a non-string and a minLength below 8', () => {
    expect(refusal(42 as unknown as string).detail).toBe('NOT_A_STRING');
    expect(() => {
      checkPasswordPolicy('long enough password', { username: 'ada', minLength: 6 });
    }).toThrow(/minLength must be an integer from 8/);
  });

  it.each([6, 257, 8.5])('refuses minLength %s with ConfigError OPTIONS_INVALID', (minLength) => {
    expect(() => {
      checkPasswordPolicy('long enough password', { username: 'ada', minLength });
    }).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        detail: 'OPTIONS_INVALID',
        message: 'Password minLength must be an integer from 8 to 256.',
      }),
    );
  });

  it('says how short is too short, with the minimum in force', () => {
    expect(refusal('Zx9!qW2').message).toBe('The password is too short: at least 8 characters.');
    expect(refusal('tangerine-moss', { username: 'ada', minLength: 15 }).message).toBe(
      'The password is too short: at least 15 characters.',
    );
  });

  it.each([undefined, null, 42])(
    'applies no username rule when the username is not a string (%s)',
    (username) => {
      expect(() => {
        checkPasswordPolicy('tangerine moss lantern', { username: username as unknown as string });
      }).not.toThrow();
    },
  );

  it('rejects a 1 MB password on its byte count before any other check', () => {
    // 'c' x 1 MiB would also fail the length and username rules: the byte cap answers first, so an attacker's
    // megabyte is measured, never normalised or scanned (the hasher test shows no argon2 runs for it either).
    const huge = 'c'.repeat(1024 * 1024);
    expect(refusal(huge, { username: 'cccccc' }).detail).toBe('TOO_MANY_BYTES');
    expect(refusal(`${'\uFF43'.repeat(40)}${huge}`).detail).toBe('TOO_MANY_BYTES');
  });
});

describe('normalizePassword', () => {
  it('maps full-width and composed forms to the same string, shared with the hasher', async () => {
    expect(normalizePassword('ｐａｓｓ')).toBe('pass');
    expect(normalizePassword('cafe\u0301')).toBe('caf\u00e9');
    const hasher = createPasswordHasher({ memoryCostKiB: 1024, timeCost: 1, parallelism: 1 });
    const hash = await hasher.hash('ｐａｓｓ ｗｏｒｄ ｔｉｍｅ');
    expect(await hasher.verify(hash, 'pass word time')).toBe(true);
  });
});
