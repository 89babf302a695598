// The password-reset benchmark's arithmetic: per identifier kind and round, the p50 and p99 of the latencies
// of that round's requests; then each kind's rows, its median round against the same round of the baseline
// kind (a paired ratio, statistics.ts). Only the p50 ratio has a goal: the p99 of a few hundred requests on a
// shared machine moves with whatever else ran in that slice, so it is reported and read, not judged.
import type { Goal, Row } from './report.js';
import { median, medianPairedRatio, percentile } from './statistics.js';

/** A p50 that leans neither way by more than a tenth of the baseline's. */
export const RESET_P50_GOAL: Goal = { comparison: 'between', low: 0.9, high: 1.1 };

export interface RoundPercentiles {
  p50Ms: number;
  p99Ms: number;
}

/** The p50 and p99 of one round's latencies, in milliseconds. */
export function roundPercentiles(latenciesMs: readonly number[]): RoundPercentiles {
  return { p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) };
}

export interface KindRounds {
  /** The identifier kind ("unknown username"). */
  kind: string;
  /** Its percentiles in round order: index i is round i for every kind. */
  rounds: readonly RoundPercentiles[];
}

/**
 * Two rows per kind (p50, then p99), each a median over rounds with its paired ratio to the same percentile of
 * `kinds[0]`, the baseline; `label` (the database) ends every row's name. The baseline's own rows have a ratio
 * of 1 and no goal; every other kind's p50 row has RESET_P50_GOAL.
 */
export function resetTimingRows(kinds: readonly KindRounds[], label: string): Row[] {
  const [baseline] = kinds;
  if (baseline === undefined) throw new RangeError('the reset timing needs at least one kind');
  const rows: Row[] = [];
  for (const { kind, rounds } of kinds) {
    for (const percentileName of ['p50', 'p99'] as const) {
      const pick = (round: RoundPercentiles): number =>
        percentileName === 'p50' ? round.p50Ms : round.p99Ms;
      const samples = rounds.map(pick);
      const baselineSamples = baseline.rounds.map(pick);
      const isBaseline = kind === baseline.kind;
      rows.push({
        name: `${kind}, ${percentileName}, ${label}`,
        value: median(samples),
        samples,
        unit: 'ms',
        ratio: isBaseline ? 1 : medianPairedRatio(samples, baselineSamples),
        against: `${baseline.kind}, ${percentileName}, ${label}`,
        ...(percentileName === 'p50' && !isBaseline ? { goal: RESET_P50_GOAL } : {}),
      });
    }
  }
  return rows;
}
