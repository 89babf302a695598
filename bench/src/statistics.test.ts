import { describe, expect, it } from 'vitest';

import { median, medianPairedRatio, percentile, ratio } from './statistics.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('takes the mean of the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is not moved by one wild round, unlike the mean', () => {
    expect(median([100, 101, 99, 5000, 100])).toBe(100);
  });

  it('refuses an empty list and non-finite values', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('percentile', () => {
  it('interpolates between closest ranks like numpy', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 90)).toBeCloseTo(9.1, 10);
    expect(percentile(values, 99)).toBeCloseTo(9.91, 10);
  });

  it('refuses a percentile outside 0-100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(97, 100)).toBeCloseTo(0.97, 10);
  });

  it('refuses a zero, negative or missing denominator instead of printing Infinity', () => {
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(1, -2)).toThrow(RangeError);
    expect(() => ratio(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('medianPairedRatio', () => {
  it('pairs round i with round i, so drift that hits both contenders cancels', () => {
    // The machine slows down 2x and 4x in rounds 2 and 3; the contender is always 0.9 of the baseline.
    const baseline = [1000, 500, 250];
    const contender = [900, 450, 225];
    expect(medianPairedRatio(contender, baseline)).toBeCloseTo(0.9, 10);
    // The ratio of medians would say the same here, but not once one round is an outlier:
    expect(medianPairedRatio([900, 450, 10], [1000, 500, 250])).toBeCloseTo(0.9, 10);
  });

  it('refuses lists of different lengths', () => {
    expect(() => medianPairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => medianPairedRatio([], [])).toThrow(RangeError);
  });
});
