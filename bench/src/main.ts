// `pnpm bench`: runs the benchmarks, prints the table, writes results/latest.json.
// Every figure is a ratio of two measurements from this run (see README.md for how to read them).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runColdStartBench } from './cold-start.js';
import { readBenchEnv } from './env.js';
import { describeMachine } from './machine.js';
import { parseBenchOptions, USAGE } from './options.js';
import type { BenchmarkName, BenchOptions } from './options.js';
import { formatReport, formatSection, skippedSection } from './report.js';
import type { BenchReport, Section } from './report.js';
import { runHttpBench } from './http.js';
import { runLoginBench } from './logins.js';
import { runPasswordResetBench } from './password-reset.js';
import { runRefreshBench } from './refresh.js';
import { runRevocationBench } from './revocation.js';
import { runVerifyBench } from './verify.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const defaultOutput = path.join(packageDirectory, 'results', 'latest.json');

const TITLES: Record<BenchmarkName, string> = {
  verify: '1. Token verify',
  http: '2. HTTP on loopback',
  logins: '3. Logins and protected-call latency under login load',
  refresh: '4. Refresh rotations on PostgreSQL',
  'cold-start': '5. Cold start and memory',
  revocation: '6. Revocation latency, instance A to instance B, PostgreSQL',
  'password-reset': '7. Password-reset requests by identifier kind',
};

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function runBenchmark(name: BenchmarkName, options: BenchOptions): Promise<Section[]> {
  const env = readBenchEnv();
  const { seconds } = options;
  switch (name) {
    case 'verify':
      // About 25 s at the default: 14 contenders x 5 rounds of 0.3 s.
      return runVerifyBench({ sliceMs: seconds * 150, rounds: 5, log });
    case 'http':
      // About 4 minutes at the default: 23 contenders x (2 s warm-up + 3 rounds of 2 s), plus start-up.
      return runHttpBench({
        seconds,
        rounds: 3,
        connections: 10,
        databaseUrl: env.databaseUrl,
        cpuProfileDir: options.cpuProfileDir,
        log,
      });
    case 'logins':
      // About 60 s at the default: 2 x 3 rounds of 2 s for throughput, 3 runs of that for latency, 2 x 6
      // rounds of 1 s for failed-login timing.
      return runLoginBench({
        seconds,
        rounds: 3,
        concurrency: 8,
        latencyRuns: 3,
        databaseUrl: env.databaseUrl,
        log,
      });
    case 'refresh':
      // About 20 s at the default: 3 x 3 rounds of 2 s, plus a scratch database.
      return runRefreshBench({ seconds, rounds: 3, concurrency: 8, databaseUrl: env.databaseUrl, log });
    case 'cold-start':
      // About 25 s at the default: a first start, 3 restarts of each, and a load of `seconds` for memory.
      // On the embedded database, the default a fresh `pnpm start` opens.
      return runColdStartBench({ seconds, rounds: 3, databaseUrl: null, log });
    case 'revocation':
      // About 30-60 s at the default: a login, a check and a logout per revocation.
      return runRevocationBench({ revocations: options.revocations, databaseUrl: env.databaseUrl, log });
    case 'password-reset':
      // 5 kinds x 6 rounds of `seconds / 2` (and a warm-up), on PostgreSQL then PGlite, each slice followed by a
      // wait for the API's mail queue to drain, which is most of the time: 3-4 minutes for the quick run on a
      // loaded 2-core machine.
      return runPasswordResetBench({ seconds, rounds: 6, databaseUrl: env.databaseUrl, log });
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), defaultOutput);
  } catch (error) {
    // A usage mistake: one line and the usage, no stack trace.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const machine = describeMachine();
  const sections: Section[] = [];
  for (const name of options.only) {
    const started = performance.now();
    log(`${name}: starting`);
    let produced: Section[];
    try {
      produced = await runBenchmark(name, options);
    } catch (error) {
      // One benchmark that cannot run (the API not built yet, a server that will not start) must not cost
      // the others their figures: it is reported as skipped with its reason, and the exit code says so.
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
      produced = [
        skippedSection(
          name,
          TITLES[name],
          `failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ];
    }
    for (const section of produced) {
      sections.push(section);
      // Progress on stderr as each section lands; stdout gets the whole table once, at the end.
      process.stderr.write(`${formatSection(section)}\n\n`);
    }
    log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const report: BenchReport = {
    machine,
    options: { only: options.only, seconds: options.seconds, revocations: options.revocations },
    sections,
  };
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.output !== null) {
    await mkdir(path.dirname(options.output), { recursive: true });
    await writeFile(options.output, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), options.output)}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
