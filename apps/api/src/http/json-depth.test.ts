import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestingDepth } from './json-depth.js';

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonNestingDepth', () => {
  it('equals the structural depth of any JSON value, whatever its strings contain', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonNestingDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(jsonNestingDepth(JSON.stringify({ a: '[[[{{{\\"]]]' }))).toBe(1);
  });

  it('measures a hostile deep input in one pass', () => {
    expect(jsonNestingDepth('['.repeat(1_000_000))).toBe(1_000_000);
  });
});
