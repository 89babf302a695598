// Benchmark 3: logins per second against the argon2id floor, and what a login storm does to the latency
// of protected calls.
//
// Floor: @node-rs/argon2 `verify` at the very parameters Latchkey uses (OWASP: ARGON2_* from
// @latchkey/auth), with as many verifications in flight as the load generator holds connections. The
// login path adds HTTP, input validation, the rate limiters, the user read, the session insert and the
// audit event; hashing dominates, so the goal is >= 0.9 of the floor.
//
// p99: a light, fixed-rate stream of `auth.me` calls, alone (idle) and while logins saturate the CPU;
// the goal is a loaded p99 at most 1.5x the idle one (argon2 runs on the thread pool, off the event loop).
//
// Enumeration by timing: the median latency of a failed login for an unknown username against one for a
// wrong password, one request at a time, in alternated rounds. Both must cost one argon2 verification
// (the API's tests count that work); this is where the time it adds up to is compared, 0.8-1.25 apart.
import { randomUUID } from 'node:crypto';

import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { ARGON2_MEMORY_COST_KIB, ARGON2_PARALLELISM, ARGON2_TIME_COST } from '@latchkey/auth';

import { randomPassword, signUp } from './api-client.js';
import { runLoad } from './load.js';
import type { Row, Section } from './report.js';
import { runAlternatingRounds } from './rounds.js';
import { median, medianPairedRatio } from './statistics.js';
import { startLatchkeyServers } from './servers/latchkey-servers.js';

export interface LoginBenchOptions {
  seconds: number;
  rounds: number;
  /** Logins (and floor verifications) in flight. */
  concurrency: number;
  /** The PostgreSQL server the API's scratch database goes on. */
  databaseUrl: string;
  /** Independent runs of the latency pair: its verdict stands only when they agree. */
  latencyRuns: number;
  log: (line: string) => void;
}

const FLOOR = 'argon2id floor (@node-rs/argon2 verify)';
const LOGIN = 'latchkey auth.login';
const IDLE = 'auth.me p99, idle';
const LOADED = 'auth.me p99, logins saturating';
const WRONG_PASSWORD = 'failed login, wrong password';
const UNKNOWN_USER = 'failed login, unknown user';

/** The protected-call probe: a fixed, light rate so its latency, not its throughput, is what varies. */
const PROBE = { connections: 2, overallRate: 100 } as const;

/**
 * Verifications per second with `concurrency` in flight, counting those that finished within `seconds`,
 * as autocannon counts the responses that arrive within its duration.
 */
async function argon2FloorRate(
  hash: string,
  password: string,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!(await argon2Verify(hash, password))) throw new Error('the floor rejected its own password');
      if (performance.now() <= deadline) completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return completed / seconds;
}

/** The median latency of failed logins sent one at a time for `seconds`; a success is a broken benchmark. */
async function failedLoginMedianMs(
  url: string,
  credentials: () => { username: string; password: string },
  seconds: number,
): Promise<number> {
  const samples: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const body = JSON.stringify(credentials());
    const started = performance.now();
    const response = await fetch(`${url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== 401) throw new Error(`a failed login answered ${response.status}, not 401`);
  }
  return median(samples);
}

/** Runs benchmark 3. */
export async function runLoginBench(options: LoginBenchOptions): Promise<Section[]> {
  // As deployed but for the rate limits, raised: the storm logs in far more often than they allow, on purpose.
  const latchkey = await startLatchkeyServers({ serverUrl: options.databaseUrl }, [{ rateLimits: 'raised' }]);
  try {
    const [api] = latchkey.instances;
    if (api === undefined) throw new Error('the API under test did not start');
    const { url } = api;
    // One account per connection: a login storm spans many accounts, and logins to a single account would
    // queue on its rate-limiter row instead of measuring the login path.
    const accounts = Array.from({ length: options.concurrency }, (_, index) => ({
      username: `bench-login-${index}`,
      password: randomPassword(),
    }));
    const sessions = [];
    for (const account of accounts) sessions.push(await signUp(url, account));
    const [credentials] = accounts;
    const [user] = sessions;
    if (credentials === undefined || user === undefined)
      throw new Error('logins need a concurrency of at least 1');
    // The same parameters as the API's hasher; the password is ASCII, so NFKC leaves it as it is.
    const floorHash = await argon2Hash(credentials.password, {
      memoryCost: ARGON2_MEMORY_COST_KIB,
      timeCost: ARGON2_TIME_COST,
      parallelism: ARGON2_PARALLELISM,
      outputLen: 32,
    });
    /** Logins per second: one connection per account, all at once. */
    const loginStorm = async (seconds: number): Promise<number> => {
      const results = await Promise.all(
        accounts.map((account) =>
          runLoad({
            url: `${url}/trpc/auth.login`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(account),
            connections: 1,
            seconds,
          }),
        ),
      );
      return results.reduce((sum, result) => sum + result.requestsPerSecond, 0);
    };
    const probe = {
      url: `${url}/trpc/auth.me`,
      headers: { authorization: `Bearer ${user.accessToken}` },
      ...PROBE,
    };

    options.log('logins: warming up');
    await loginStorm(1);
    await argon2FloorRate(floorHash, credentials.password, options.concurrency, 1);

    const throughput = await runAlternatingRounds(
      [
        {
          name: FLOOR,
          measure: () =>
            argon2FloorRate(floorHash, credentials.password, options.concurrency, options.seconds),
        },
        {
          name: LOGIN,
          measure: () => loginStorm(options.seconds),
        },
      ],
      {
        rounds: options.rounds,
        onRound: (round) => {
          options.log(`logins: throughput round ${round + 1}/${options.rounds}`);
        },
      },
    );

    // The ratio of two noisy tails moves a lot between runs of the same build: it is measured in several
    // independent runs, each its own alternated rounds, and judged only where they agree (report.ts).
    const idle: number[] = [];
    const loaded: number[] = [];
    const runRatios: number[] = [];
    for (let run = 0; run < options.latencyRuns; run += 1) {
      const latency = await runAlternatingRounds(
        [
          { name: IDLE, measure: async () => (await runLoad({ ...probe, seconds: options.seconds })).p99Ms },
          {
            name: LOADED,
            measure: async () => {
              const [probed] = await Promise.all([
                runLoad({ ...probe, seconds: options.seconds }),
                loginStorm(options.seconds),
              ]);
              return probed.p99Ms;
            },
          },
        ],
        {
          rounds: options.rounds,
          onRound: (round) => {
            options.log(
              `logins: latency run ${run + 1}/${options.latencyRuns}, round ${round + 1}/${options.rounds}`,
            );
          },
        },
      );
      const runIdle = latency.get(IDLE) ?? [];
      const runLoaded = latency.get(LOADED) ?? [];
      idle.push(...runIdle);
      loaded.push(...runLoaded);
      runRatios.push(medianPairedRatio(runLoaded, runIdle));
    }

    // Twice the rounds at half the slice: more pairs, so one noisy slice moves the median ratio less.
    const wrongPassword = (): { username: string; password: string } => ({
      username: credentials.username,
      password: randomPassword(),
    });
    const unknownUser = (): { username: string; password: string } => ({
      username: `ghost-${randomUUID().slice(0, 8)}`,
      password: randomPassword(),
    });
    const failedLogins = await runAlternatingRounds(
      [
        { name: WRONG_PASSWORD, measure: () => failedLoginMedianMs(url, wrongPassword, options.seconds / 2) },
        { name: UNKNOWN_USER, measure: () => failedLoginMedianMs(url, unknownUser, options.seconds / 2) },
      ],
      {
        rounds: options.rounds * 2,
        onRound: (round) => {
          options.log(`logins: failed-login timing round ${round + 1}/${options.rounds * 2}`);
        },
      },
    );

    const floor = throughput.get(FLOOR) ?? [];
    const logins = throughput.get(LOGIN) ?? [];
    const wrong = failedLogins.get(WRONG_PASSWORD) ?? [];
    const unknown = failedLogins.get(UNKNOWN_USER) ?? [];
    const rows: Row[] = [
      { name: FLOOR, value: median(floor), samples: floor, unit: 'verify/s', ratio: 1, against: FLOOR },
      {
        name: LOGIN,
        value: median(logins),
        samples: logins,
        unit: 'login/s',
        ratio: medianPairedRatio(logins, floor),
        against: FLOOR,
        goal: { comparison: 'at least', value: 0.9 },
      },
      { name: IDLE, value: median(idle), samples: idle, unit: 'ms', ratio: 1, against: IDLE },
      {
        name: LOADED,
        value: median(loaded),
        samples: loaded,
        unit: 'ms',
        ratio: median(runRatios),
        against: IDLE,
        goal: { comparison: 'at most', value: 1.5 },
        runs: runRatios,
      },
      {
        name: WRONG_PASSWORD,
        value: median(wrong),
        samples: wrong,
        unit: 'ms',
        ratio: 1,
        against: WRONG_PASSWORD,
      },
      {
        name: UNKNOWN_USER,
        value: median(unknown),
        samples: unknown,
        unit: 'ms',
        ratio: medianPairedRatio(unknown, wrong),
        against: WRONG_PASSWORD,
        goal: { comparison: 'between', low: 0.8, high: 1.25 },
      },
    ];
    const notes = [
      `argon2id m=${ARGON2_MEMORY_COST_KIB} KiB, t=${ARGON2_TIME_COST}, p=${ARGON2_PARALLELISM} (OWASP) for both; ${options.concurrency} in flight (one autocannon connection per account / floor workers); ${options.seconds} s x ${options.rounds} alternated rounds`,
      'floor: in the bench process, no HTTP; logins: HS256 API as deployed on a PostgreSQL scratch database (request log on /dev/null) but for its rate limits, raised out of the way; one session + audit row per login',
      `p99 probe: auth.me at ${PROBE.overallRate} req/s over ${PROBE.connections} connections, alone vs beside the login load, in ${options.latencyRuns} independent runs of ${options.rounds} alternated rounds; the ratio is the median run's, judged met or missed only when every run agrees; autocannon latencies have 1 ms resolution`,
      `failed logins: one at a time, a random password each, median per ${options.seconds / 2} s slice; ${options.rounds * 2} alternated rounds`,
    ];
    return [
      {
        id: 'logins',
        title: '3. Logins and protected-call latency under login load',
        rows,
        notes,
        skipped: null,
      },
    ];
  } finally {
    await latchkey.stop();
  }
}
