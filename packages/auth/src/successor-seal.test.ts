import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';

import { generateRefreshToken } from './refresh-token.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

describe('sealSuccessor / openSuccessor', () => {
  let presented: string;
  let successor: string;
  let sealed: string;
  // Sealed before each test rather than while the suite is collected, so each test runs sealSuccessor itself
  // (and mutation testing sees a broken seal fail the tests that open it).
  beforeEach(() => {
    presented = generateRefreshToken().token;
    successor = generateRefreshToken().token;
    sealed = sealSuccessor(successor, presented);
  });

  it('opens with the presented token', () => {
    expect(openSuccessor(sealed, presented)).toBe(successor);
  });

  it('does not contain the successor in any readable form', () => {
    expect(sealed).not.toContain(successor.slice(4));
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain(
      successor.slice(4, 20),
    );
  });

  it('seals the same successor differently every time', () => {
    expect(sealSuccessor(successor, presented)).not.toBe(sealed);
  });

  it('returns null for a wrong presented token', () => {
    expect(openSuccessor(sealed, generateRefreshToken().token)).toBeNull();
    expect(openSuccessor(sealed, successor)).toBeNull();
    expect(openSuccessor(sealed, '')).toBeNull();
  });

  it('returns null for any single changed byte of the sealed value (property)', () => {
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const tampered = Buffer.from(bytes);
        tampered[index] = (tampered[index] ?? 0) ^ flip;
        expect(openSuccessor(`v1.${tampered.toString('base64url')}`, presented)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['empty', (): string => ''],
    ['no version', (): string => sealed.slice(3)],
    ['another version', (): string => `v2.${sealed.slice(3)}`],
    ['truncated', (): string => sealed.slice(0, 40)],
    ['cut to nothing', (): string => 'v1.'],
    ['not base64url', (): string => `v1.${'!'.repeat(80)}`],
    ['huge', (): string => `v1.${'A'.repeat(100_000)}`],
  ])('returns null for %s input', (_name, input) => {
    expect(openSuccessor(input(), presented)).toBeNull();
  });

  it('opens a value sealed by an earlier build: the stored format does not drift', () => {
    // Sealed values outlive a deploy in session rows; this one was made by this file's first version.
    const earlierPresented = 'lkr_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc';
    const earlierSealed =
      'v1.SikeWPdQWsDVF7NoupWVdNkPy8cdDs7_29czWwOnIraqErbOLcMHn97bmbhVxW6-FKTGFPFn_d5SCRVcIKx5qBUfW0ko1GiKTIYxdzhxuwh_RpU5YU-s9KwCHw';
    expect(openSuccessor(earlierSealed, earlierPresented)).toBe(
      'lkr_CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk',
    );
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  });

  it('opens the shortest genuine seal (an empty successor: salt, IV and tag only)', () => {
    const empty = sealSuccessor('', presented);
    expect(Buffer.from(empty.slice(3), 'base64url')).toHaveLength(16 + 12 + 16);
    expect(openSuccessor(empty, presented)).toBe('');
  });

  it('opens a genuine seal of 1,023 characters and refuses one over 1,024 without opening it', () => {
    // 721 bytes of successor seal to 1,023 characters; 722 to 1,025 (1,024 is not a base64url length).
    const atCap = sealSuccessor('x'.repeat(721), presented);
    const overCap = sealSuccessor('x'.repeat(722), presented);
    expect([atCap.length, overCap.length]).toEqual([1023, 1025]);
    expect(openSuccessor(atCap, presented)).toBe('x'.repeat(721));
    expect(openSuccessor(overCap, presented)).toBeNull();
  });

  it.each([
    ['padding appended', (value: string) => `${value}==`],
    ['a line break inside', (value: string) => `${value.slice(0, 40)}\n${value.slice(40)}`],
    ['a space after the version', (value: string) => `v1. ${value.slice(3)}`],
    ['a character outside base64url inside', (value: string) => `${value.slice(0, 40)}!${value.slice(40)}`],
  ])('returns null for a genuine seal re-spelt with %s (same bytes, another string)', (_name, respell) => {
    const respelt = respell(sealed);
    expect(Buffer.from(respelt.slice(3), 'base64url')).toEqual(Buffer.from(sealed.slice(3), 'base64url'));
    expect(openSuccessor(respelt, presented)).toBeNull();
  });

  it('returns null for a genuine seal under another version prefix', () => {
    for (const prefix of ['v2.', 'V1.', 'v1:', '.v1'])
      expect(openSuccessor(prefix + sealed.slice(3), presented)).toBeNull();
  });

  it.each([undefined, null, 42, {}, ['v1.']])(
    'returns null, without throwing, for a non-string (%s)',
    (value) => {
      expect(openSuccessor(value as string, presented)).toBeNull();
    },
  );

  it('returns null for a correctly sealed plaintext that is not UTF-8', () => {
    // Only the server seals, and it seals strings; this builds the stored format by hand around one stray
    // byte to show that opening decodes strictly instead of handing back replacement characters.
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const key = Buffer.from(
      hkdfSync('sha256', Buffer.from(presented), salt, 'latchkey refresh-token successor v1', 32),
    );
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('v1.'));
    const ciphertext = Buffer.concat([cipher.update(Buffer.from([0x6c, 0xff, 0x72])), cipher.final()]);
    const handMade = `v1.${Buffer.concat([salt, iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
    expect(openSuccessor(handMade, presented)).toBeNull();
  });
});
