// Benchmark 5: cold start (spawn to the first 200 on /readyz) and resident memory, idle and under load,
// of the API as operators run it, against a bare node:http server started the same way.
//
// The API runs as `node apps/api/dist/main.js` when the workspace is built (`pnpm build`), else from source
// (`node --conditions=@latchkey/source --import tsx apps/api/src/main.ts`, the source of dist/main.js);
// the notes say which. Either way the measured process is the server itself, so /proc/<pid> is its memory.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateJwtSecret } from '@latchkey/auth';

import { randomPassword, signUp } from './api-client.js';
import { childEnv } from './env.js';
import { runLoad } from './load.js';
import type { Row, Section } from './report.js';
import { runAlternatingRounds } from './rounds.js';
import { createScratchDatabase } from './scratch-database.js';
import type { ScratchDatabase } from './scratch-database.js';
import { median, medianPairedRatio, ratio } from './statistics.js';

export interface ColdStartBenchOptions {
  seconds: number;
  rounds: number;
  databaseUrl: string | null;
  log: (line: string) => void;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 5;

const BARE = 'bare node:http';
const API = 'latchkey API';

// The floor: the smallest server that can answer /readyz, started by plain node.
const BARE_SERVER = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"ok":true}'); }).listen(Number(process.argv[1]), '127.0.0.1');`;

interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

interface Started {
  child: ChildProcess;
  url: string;
  readyMs: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** The packages the API runs on, and the file their build produces. */
const BUILT_PACKAGES = [
  { source: 'apps/api/src', built: 'apps/api/dist/main.js' },
  { source: 'packages/auth/src', built: 'packages/auth/dist/index.js' },
  { source: 'packages/db/src', built: 'packages/db/dist/index.js' },
] as const;

/** Newest modification time (ms) of the non-test .ts files under `directory`. */
function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.includes('.test.')) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * How the API is started: compiled when every package has a build newer than its sources, else from source
 * through tsx (a stale build would measure code that is no longer there).
 */
function apiLaunch(): { mode: string; command: string; args: string[] } {
  const stale = BUILT_PACKAGES.filter(({ source, built }) => {
    const builtFile = path.join(repositoryRoot, built);
    return (
      !existsSync(builtFile) ||
      statSync(builtFile).mtimeMs < newestSourceMs(path.join(repositoryRoot, source))
    );
  });
  if (stale.length === 0)
    return {
      mode: 'node apps/api/dist/main.js (built)',
      command: process.execPath,
      args: [path.join(repositoryRoot, 'apps/api/dist/main.js')],
    };
  return {
    mode: `from source: node --conditions=@latchkey/source --import tsx apps/api/src/main.ts (build missing or older than the source in ${stale.map(({ source }) => source.split('/').slice(0, 2).join('/')).join(', ')}; run pnpm build to measure the build)`,
    command: process.execPath,
    args: [
      '--conditions=@latchkey/source',
      '--import',
      import.meta.resolve('tsx'),
      path.join(repositoryRoot, 'apps/api/src/main.ts'),
    ],
  };
}

async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
}

async function stopProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await waitForExit(child);
  clearTimeout(timer);
}

/** Spawns the server and polls /readyz until it answers 200; the time includes everything from spawn. */
async function startAndTime(launch: Launch, port: number): Promise<Started> {
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(launch.command, launch.args, { env: launch.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  while (performance.now() - started < READY_TIMEOUT_MS) {
    if (child.exitCode !== null) throw new Error(`server exited before it was ready: ${stderr.trim()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) return { child, url, readyMs: performance.now() - started };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  await stopProcess(child);
  throw new Error(`server not ready within ${READY_TIMEOUT_MS} ms`);
}

/** Resident set size in MiB from /proc (Linux); null elsewhere. */
async function residentMiB(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kib === undefined ? null : Number(kib) / 1024;
  } catch {
    return null;
  }
}

/** Idle RSS after a second of rest, then the peak RSS sampled while `load` runs. */
async function measureMemory(
  pid: number | undefined,
  load: () => Promise<unknown>,
): Promise<{ idle: number; loaded: number } | null> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = await residentMiB(pid);
  if (idle === null) return null;
  let peak = idle;
  const sampling = { running: true };
  const sampler = (async (): Promise<void> => {
    while (sampling.running) {
      peak = Math.max(peak, (await residentMiB(pid)) ?? peak);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await load();
  } finally {
    sampling.running = false;
    await sampler;
  }
  return { idle, loaded: peak };
}

/** Runs benchmark 5. */
export async function runColdStartBench(options: ColdStartBenchOptions): Promise<Section[]> {
  const launch = apiLaunch();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-cold-'));
  let scratch: ScratchDatabase | null = null;
  try {
    scratch = options.databaseUrl === null ? null : await createScratchDatabase(options.databaseUrl);
    const secret = generateJwtSecret();
    const apiEnv = (port: number): Record<string, string> =>
      childEnv({
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        JWT_SECRET: secret,
        LATCHKEY_DATA_DIR: dataDir,
        ...(scratch === null ? {} : { DATABASE_URL: scratch.url }),
      });
    const startApi = async (): Promise<Started> => {
      const port = await freePort();
      return startAndTime({ command: launch.command, args: launch.args, env: apiEnv(port) }, port);
    };
    const startBare = async (): Promise<Started> => {
      const port = await freePort();
      return startAndTime(
        { command: process.execPath, args: ['-e', BARE_SERVER, String(port)], env: childEnv({}) },
        port,
      );
    };

    // The first start creates the database (embedded: initdb; either way: migrations); reported apart.
    options.log(`cold-start: first start (${launch.mode})`);
    const first = await startApi();
    await stopProcess(first.child);

    const timings = await runAlternatingRounds(
      [
        {
          name: BARE,
          measure: async () => {
            const started = await startBare();
            await stopProcess(started.child);
            return started.readyMs;
          },
        },
        {
          name: API,
          measure: async () => {
            const started = await startApi();
            await stopProcess(started.child);
            return started.readyMs;
          },
        },
      ],
      {
        rounds: options.rounds,
        onRound: (round) => {
          options.log(`cold-start: round ${round + 1}/${options.rounds}`);
        },
      },
    );

    options.log('cold-start: memory');
    const bare = await startBare();
    const bareMemory = await measureMemory(bare.child.pid, () =>
      runLoad({ url: `${bare.url}/`, connections: 10, seconds: options.seconds }),
    ).finally(() => stopProcess(bare.child));
    const api = await startApi();
    const apiMemory = await (async () => {
      const user = await signUp(api.url, { username: 'bench-memory', password: randomPassword() });
      return measureMemory(api.child.pid, () =>
        runLoad({
          url: `${api.url}/trpc/auth.me`,
          headers: { authorization: `Bearer ${user.accessToken}` },
          connections: 10,
          seconds: options.seconds,
        }),
      );
    })().finally(() => stopProcess(api.child));

    const bareTimes = timings.get(BARE) ?? [];
    const apiTimes = timings.get(API) ?? [];
    const rows: Row[] = [
      {
        name: `${BARE}, spawn to first 200`,
        value: median(bareTimes),
        samples: bareTimes,
        unit: 'ms',
        ratio: 1,
        against: BARE,
      },
      {
        name: `${API}, spawn to first 200 on /readyz`,
        value: median(apiTimes),
        samples: apiTimes,
        unit: 'ms',
        ratio: medianPairedRatio(apiTimes, bareTimes),
        against: BARE,
      },
      {
        name: `${API}, first start (creates the database)`,
        value: first.readyMs,
        unit: 'ms',
        ratio: ratio(first.readyMs, median(bareTimes)),
        against: BARE,
        note: 'one sample',
      },
    ];
    if (bareMemory !== null && apiMemory !== null) {
      rows.push(
        {
          name: `${BARE} RSS, idle`,
          value: bareMemory.idle,
          unit: 'MiB',
          ratio: 1,
          against: `${BARE} RSS, idle`,
        },
        {
          name: `${API} RSS, idle`,
          value: apiMemory.idle,
          unit: 'MiB',
          ratio: ratio(apiMemory.idle, bareMemory.idle),
          against: `${BARE} RSS, idle`,
        },
        {
          name: `${BARE} RSS, peak under load`,
          value: bareMemory.loaded,
          unit: 'MiB',
          ratio: 1,
          against: `${BARE} RSS, peak under load`,
        },
        {
          name: `${API} RSS, peak under load`,
          value: apiMemory.loaded,
          unit: 'MiB',
          ratio: ratio(apiMemory.loaded, bareMemory.loaded),
          against: `${BARE} RSS, peak under load`,
        },
      );
    }
    const notes = [
      `API: ${launch.mode}; NODE_ENV=production, HS256, ${scratch === null ? 'embedded PGlite in a scratch data directory' : 'a scratch database on DATABASE_URL'}`,
      `${options.rounds} alternated restarts each (the database already exists); /readyz polled every ${POLL_INTERVAL_MS} ms`,
      bareMemory === null
        ? 'RSS: /proc is not available here, memory not measured'
        : `RSS from /proc/<pid>/status: after 1 s idle, and the peak while autocannon sends ${options.seconds} s of auth.me (bare: GET /) over 10 connections`,
    ];
    return [{ id: 'cold-start', title: '5. Cold start and memory', rows, notes, skipped: null }];
  } finally {
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
