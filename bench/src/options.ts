// Command-line options of `pnpm bench`, parsed with node:util parseArgs (no dependency needed for a few flags).
import { parseArgs } from 'node:util';

export const BENCHMARKS = [
  'verify',
  'http',
  'logins',
  'refresh',
  'cold-start',
  'revocation',
  'password-reset',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface BenchOptions {
  only: BenchmarkName[];
  /** Seconds per contender per round in the load benchmarks; the verify slices scale with it. */
  seconds: number;
  /** Logouts the revocation benchmark times. */
  revocations: number;
  /** A folder for a CPU profile of every Latchkey instance of the HTTP benchmark; null: none. */
  cpuProfileDir: string | null;
  /** Where the JSON report goes; null to write none. */
  output: string | null;
  help: boolean;
}

export const DEFAULT_SECONDS = 2;
/** The issue asks for p50 and p99 over at least 500 revocations. */
export const DEFAULT_REVOCATIONS = 500;

export const USAGE = `Usage: pnpm bench [--only ${BENCHMARKS.join(',')}] [--seconds N] [--revocations N] [--cpu-prof DIR] [--output FILE | --no-output]

  --only        comma-separated benchmarks to run (default: all)
  --seconds     seconds per contender per round in the load benchmarks (default ${DEFAULT_SECONDS}; the default run takes about 15 minutes)
  --revocations logouts the revocation benchmark times (default ${DEFAULT_REVOCATIONS}; a quick run: --seconds 0.5 --revocations 50)
  --cpu-prof    write a CPU profile of every Latchkey instance of the http benchmark into DIR (read them with
                pnpm --filter @latchkey/bench profile DIR/*/*.cpuprofile); profiling slows what it measures
  --output      where to write the JSON report (default results/latest.json)
  --no-output   print the table only`;

function isBenchmarkName(name: string): name is BenchmarkName {
  return (BENCHMARKS as readonly string[]).includes(name);
}

/** Parses argv (without node and the script); throws a one-line Error for anything it does not know. */
export function parseBenchOptions(argv: readonly string[], defaultOutput: string): BenchOptions {
  // `pnpm bench -- --only verify` passes the `--` through; it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      seconds: { type: 'string' },
      revocations: { type: 'string' },
      'cpu-prof': { type: 'string' },
      output: { type: 'string' },
      'no-output': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const only =
    values.only === undefined ? [...BENCHMARKS] : values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !isBenchmarkName(name));
  if (unknown.length > 0 || only.length === 0) {
    throw new Error(
      `--only takes a comma-separated list of ${BENCHMARKS.join(', ')}; got ${values.only ?? ''}`,
    );
  }
  const seconds = values.seconds === undefined ? DEFAULT_SECONDS : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 600) {
    throw new Error(`--seconds takes a number from 0.5 to 600; got ${values.seconds ?? ''}`);
  }
  const revocations = values.revocations === undefined ? DEFAULT_REVOCATIONS : Number(values.revocations);
  if (!Number.isInteger(revocations) || revocations < 1 || revocations > 100_000) {
    throw new Error(`--revocations takes a whole number from 1 to 100000; got ${values.revocations ?? ''}`);
  }
  return {
    // Run in the canonical order whatever order they were named in, each once.
    only: BENCHMARKS.filter((name) => only.includes(name)),
    seconds,
    revocations,
    cpuProfileDir: values['cpu-prof'] ?? null,
    output: values['no-output'] ? null : (values.output ?? defaultOutput),
    help: values.help,
  };
}
