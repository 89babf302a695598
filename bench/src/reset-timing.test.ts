import { describe, expect, it } from 'vitest';

import { verdict } from './report.js';
import { RESET_P50_GOAL, resetTimingRows, roundPercentiles } from './reset-timing.js';

describe('roundPercentiles', () => {
  it('takes the p50 and p99 of one round by linear interpolation', () => {
    const latencies = Array.from({ length: 101 }, (_, index) => index);
    expect(roundPercentiles(latencies)).toEqual({ p50Ms: 50, p99Ms: 99 });
  });

  it('refuses a round without a single request', () => {
    expect(() => roundPercentiles([])).toThrow(RangeError);
  });
});

describe('resetTimingRows', () => {
  const unknownUsername = {
    kind: 'unknown username',
    rounds: [
      { p50Ms: 2, p99Ms: 10 },
      { p50Ms: 4, p99Ms: 20 },
      { p50Ms: 3, p99Ms: 12 },
    ],
  };

  it('pairs each kind round by round with the baseline, p50 and p99 alike', () => {
    // Round 2 is slow for both kinds: the paired ratios stay at 1.05, 1.05 and 1.5, median 1.05.
    const knownAddress = {
      kind: 'known address',
      rounds: [
        { p50Ms: 2.1, p99Ms: 30 },
        { p50Ms: 4.2, p99Ms: 20 },
        { p50Ms: 4.5, p99Ms: 12 },
      ],
    };
    const rows = resetTimingRows([unknownUsername, knownAddress], 'PGlite');
    expect(rows.map((row) => row.name)).toEqual([
      'unknown username, p50, PGlite',
      'unknown username, p99, PGlite',
      'known address, p50, PGlite',
      'known address, p99, PGlite',
    ]);
    const [, , p50, p99] = rows;
    expect(p50?.value).toBeCloseTo(4.2);
    expect(p50?.ratio).toBeCloseTo(1.05);
    expect(p50?.against).toBe('unknown username, p50, PGlite');
    expect(p50?.samples).toEqual([2.1, 4.2, 4.5]);
    expect(p99?.value).toBe(20);
    expect(p99?.ratio).toBeCloseTo(1);
    expect(p99?.against).toBe('unknown username, p99, PGlite');
  });

  it('gives every kind but the baseline a p50 goal of 0.9-1.1, and no p99 its own goal', () => {
    const rows = resetTimingRows([unknownUsername, { ...unknownUsername, kind: 'no address' }], 'PostgreSQL');
    expect(rows.map((row) => row.goal)).toEqual([undefined, undefined, RESET_P50_GOAL, undefined]);
    expect(rows[0]?.ratio).toBe(1);
    expect(rows[2]?.ratio).toBe(1);
    expect(rows[2] === undefined ? null : verdict(rows[2])).toBe('met');
  });

  it('misses the goal when a kind answers measurably slower or faster', () => {
    const slower = {
      kind: 'known username',
      rounds: unknownUsername.rounds.map((round) => ({ ...round, p50Ms: round.p50Ms * 1.2 })),
    };
    const faster = {
      kind: 'unknown address',
      rounds: unknownUsername.rounds.map((round) => ({ ...round, p50Ms: round.p50Ms * 0.8 })),
    };
    const rows = resetTimingRows([unknownUsername, slower, faster], 'PostgreSQL');
    expect(rows.filter((row) => row.goal !== undefined).map((row) => verdict(row))).toEqual([
      'MISSED',
      'MISSED',
    ]);
  });

  it('refuses kinds measured over different rounds, and no kinds at all', () => {
    const short = { kind: 'no address', rounds: unknownUsername.rounds.slice(1) };
    expect(() => resetTimingRows([unknownUsername, short], 'PGlite')).toThrow(RangeError);
    expect(() => resetTimingRows([], 'PGlite')).toThrow(RangeError);
  });
});
