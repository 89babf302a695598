import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { generateRefreshToken } from './refresh-token.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

describe('sealSuccessor / openSuccessor', () => {
  const presented = generateRefreshToken().token;
  const successor = generateRefreshToken().token;
  const sealed = sealSuccessor(successor, presented);

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
    ['empty', ''],
    ['no version', sealed.slice(3)],
    ['another version', `v2.${sealed.slice(3)}`],
    ['truncated', sealed.slice(0, 40)],
    ['cut to nothing', 'v1.'],
    ['not base64url', `v1.${'!'.repeat(80)}`],
    ['huge', `v1.${'A'.repeat(100_000)}`],
  ])('returns null for %s input', (_name, input) => {
    expect(openSuccessor(input, presented)).toBeNull();
  });
});
