// The arithmetic every benchmark reports with: medians of alternated rounds, percentiles, ratios.
// The machine is shared and noisy, so a single measurement means little; a median over rounds that
// alternate the contenders, and a ratio of two figures taken in the same run, are what stay comparable.

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The p-th percentile (0-100) by linear interpolation between closest ranks, the definition numpy and
 * spreadsheets use by default, so a reader can check a figure by hand.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, got ${p}`);
  if (values.some((value) => !Number.isFinite(value)))
    throw new RangeError('percentile of a non-finite value');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? 0;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (rank - lower);
}

/** `numerator / denominator`, refusing a zero or negative denominator instead of printing Infinity. */
export function ratio(numerator: number, denominator: number): number {
  if (!(denominator > 0) || !Number.isFinite(numerator)) {
    throw new RangeError(`cannot take a ratio of ${numerator} to ${denominator}`);
  }
  return numerator / denominator;
}

/**
 * The median of per-round ratios: round i of the contender against round i of the baseline. Pairing
 * measurements taken seconds apart cancels most of the drift a busy machine adds over a whole run.
 */
export function medianPairedRatio(contender: readonly number[], baseline: readonly number[]): number {
  if (contender.length !== baseline.length || contender.length === 0) {
    throw new RangeError('paired ratios need two non-empty lists of the same length');
  }
  return median(contender.map((value, index) => ratio(value, baseline[index] ?? Number.NaN)));
}
