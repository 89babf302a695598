// One soak: the API in a child process (so its resident memory is its own), capacity measured first with an
// unthrottled mixed load, then the same mix held at a fraction of that capacity for the duration while the
// child's RSS is sampled every second.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateJwtSecret } from '@latchkey/auth';
import { GOOD_PASSWORD } from '../../src/testing/test-api.js';
import { freePort, startChildApi } from './child-api.js';
import { failedRequests, prepareLoadClients, runMixedLoad, type LoadStats } from './mixed-load.js';

export interface SoakOptions {
  durationMs: number;
  capacityMs: number;
  /** Fraction of the measured capacity to hold, e.g. 0.7. */
  utilisation: number;
  clients: number;
  /** PostgreSQL to run on; null: the embedded PGlite in a temporary folder. */
  databaseUrl: string | null;
}

export interface SoakReport {
  capacityPerSecond: number;
  targetPerSecond: number;
  achievedPerSecond: number;
  load: LoadStats;
  failures: number;
  /** RSS after the capacity run (warm), at the end, and the highest sample, in MiB. */
  rssWarmMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
}

const MIB = 1024 * 1024;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-soak-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: generateJwtSecret(),
    LATCHKEY_DATA_DIR: dataDir,
    // The load logs in from one address far more often than a person would; limits are not under test here.
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000/1m',
    RATE_LIMIT_LOGIN_PER_ADDRESS: '1000000/1m',
    RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000000/1m',
    ...(options.databaseUrl === null ? {} : { DATABASE_URL: options.databaseUrl }),
  };
  const child = await startChildApi({ env, port: await freePort() });
  try {
    const clients = await prepareLoadClients(child, {
      count: options.clients,
      prefix: `soak_${process.pid}`,
      password: GOOD_PASSWORD,
    });
    const capacity = await runMixedLoad(child, clients, {
      durationMs: options.capacityMs,
      ratePerSecond: null,
    });
    const capacityPerSecond = capacity.requests / (capacity.elapsedMs / 1000);
    const targetPerSecond = capacityPerSecond * options.utilisation;
    const rssWarm = await child.rssBytes();
    let rssMax = rssWarm;
    const sampler = setInterval(() => {
      child.rssBytes().then(
        (rss) => {
          rssMax = Math.max(rssMax, rss);
        },
        () => undefined,
      );
    }, 1000);
    let load: LoadStats;
    try {
      load = await runMixedLoad(child, clients, {
        durationMs: options.durationMs,
        ratePerSecond: targetPerSecond,
      });
    } finally {
      clearInterval(sampler);
    }
    const rssEnd = await child.rssBytes();
    return {
      capacityPerSecond,
      targetPerSecond,
      achievedPerSecond: load.requests / (load.elapsedMs / 1000),
      load,
      failures: failedRequests(load),
      rssWarmMiB: rssWarm / MIB,
      rssEndMiB: rssEnd / MIB,
      rssMaxMiB: Math.max(rssMax, rssEnd) / MIB,
    };
  } finally {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One line per figure, for the job's output and SECURITY.md. */
export function describeSoak(report: SoakReport, minutes: number): string {
  const statuses = Object.entries(report.load.byStatus)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  return [
    `soak: ${minutes} min at ${report.targetPerSecond.toFixed(0)} req/s target (70% of a measured capacity of ${report.capacityPerSecond.toFixed(0)} req/s), achieved ${report.achievedPerSecond.toFixed(0)} req/s`,
    `requests: ${report.load.requests} (${statuses}); by operation ${JSON.stringify(report.load.byOperation)}`,
    `failures (5xx or no answer): ${report.failures}`,
    `RSS: ${report.rssWarmMiB.toFixed(1)} MiB warm, ${report.rssEndMiB.toFixed(1)} MiB at the end (x${(report.rssEndMiB / report.rssWarmMiB).toFixed(2)}), peak ${report.rssMaxMiB.toFixed(1)} MiB`,
  ].join('\n');
}
