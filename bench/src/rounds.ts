// Alternated rounds: every contender is measured once per round, and each round starts with the next
// contender, so none always runs first (cold) or last (after the others heated the machine).

export interface Contender<Measurement> {
  readonly name: string;
  /** One measurement, e.g. operations per second over a short time slice. */
  measure(): Promise<Measurement>;
}

/** The order of round `round` (0-based): the contenders rotated left by `round`. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * Runs `rounds` rounds and returns, per contender name, its measurements in round order (index i is
 * round i for every contender, which is what paired ratios need).
 */
export async function runAlternatingRounds<Measurement>(
  contenders: readonly Contender<Measurement>[],
  options: { rounds: number; onRound?: (round: number) => void },
): Promise<Map<string, Measurement[]>> {
  const results = new Map<string, Measurement[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    options.onRound?.(round);
    for (const contender of roundOrder(contenders, round)) {
      const measurement = await contender.measure();
      results.get(contender.name)?.push(measurement);
    }
  }
  return results;
}

/**
 * Operations per second of `operation` run back to back for about `sliceMs`. Awaits each call, as a
 * request handler would; synchronous contenders simply return a non-promise value.
 */
export async function measureOpsPerSecond(operation: () => unknown, sliceMs: number): Promise<number> {
  const deadline = performance.now() + sliceMs;
  let operations = 0;
  const started = performance.now();
  let now = started;
  while (now < deadline) {
    // Batches of 16 between clock reads keep performance.now() out of the figure for the fast contenders.
    for (let index = 0; index < 16; index += 1) {
      const result = operation();
      if (result instanceof Promise) await result;
    }
    operations += 16;
    now = performance.now();
  }
  return (operations * 1000) / (now - started);
}
