// The API as a separate process (`node --conditions=@latchkey/source --import tsx src/main.ts`: the source of
// `pnpm start`'s dist/main.js, as `pnpm dev` runs its own entry src/dev.ts): the crash tests kill it with SIGKILL,
// the soak samples its resident memory and the entry tests read what it does with no NODE_ENV, none of which an
// in-process server allows.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inheritedPath } from './env.js';

const apiRoot = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface ChildApi {
  url: string;
  trpcUrl: string;
  pid: number;
  /** Resident set size of the API process in bytes (Linux /proc). */
  rssBytes(): Promise<number>;
  /** The last lines the process wrote to stderr (start-up failures). */
  stderr(): string;
  /** What the process wrote to stdout (its log lines), when started with `stdout: 'capture'`; '' otherwise. */
  stdout(): string;
  /** SIGKILL: no handler runs, nothing is flushed, exactly a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown. */
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface, for the child to listen on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
}

async function waitUntilHealthy(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`API did not answer /healthz within ${START_TIMEOUT_MS} ms: ${stderr()}`);
}

/** `src/main.ts`, built into `pnpm start`'s dist/main.js (production unless NODE_ENV says otherwise), or `pnpm dev`'s `src/dev.ts`. */
export type ApiEntry = 'src/main.ts' | 'src/dev.ts';

/** Whether the child's stdout (its log lines) is kept for the test to read, or discarded. */
export type ChildStdout = 'ignore' | 'capture';

function spawnApi(options: {
  env: Record<string, string>;
  port: number;
  entry?: ApiEntry;
  stdout?: ChildStdout;
}): ChildProcess & {
  stderr: NonNullable<ChildProcess['stderr']>;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@latchkey/source', '--import', 'tsx', options.entry ?? 'src/main.ts'],
    {
      cwd: apiRoot,
      env: { PATH: inheritedPath, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', options.stdout === 'capture' ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  // With stdio chosen at run time, spawn's type no longer knows stderr is piped; it always is.
  if (child.stderr === null) throw new Error('the API child has no stderr pipe');
  return Object.assign(child, { stderr: child.stderr });
}

/**
 * Runs an entry that is expected to refuse to start: its exit code and everything it wrote to stderr, or
 * `started: true` (and the process stopped) if it answered /healthz instead.
 */
export async function runChildApiToExit(options: {
  env: Record<string, string>;
  entry?: ApiEntry;
}): Promise<{ started: boolean; code: number | null; stderr: string }> {
  const port = await freePort();
  const child = spawnApi({ ...options, port });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  let started = false;
  try {
    await waitUntilHealthy(`http://127.0.0.1:${port}`, child, () => stderr);
    started = true;
    child.kill('SIGKILL');
  } catch {
    // Exited (or never answered): what it said is the result.
    child.kill('SIGKILL');
  }
  await exited(child);
  return { started, code: child.exitCode, stderr };
}

/**
 * Starts `src/main.ts` (or `entry`) in a child process with exactly `env` (plus PATH) and waits for /healthz.
 * The caller picks the port (`freePort()`), so a restart can reuse it.
 */
export async function startChildApi(options: {
  env: Record<string, string>;
  port: number;
  entry?: ApiEntry;
  stdout?: ChildStdout;
}): Promise<ChildApi> {
  const child = spawnApi(options);
  let stdoutText = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdoutText += chunk;
  });
  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const stderr = (): string => stderrTail;
  // A test or job that ends (or fails) without stopping the child must not leave an API running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => {
    process.off('exit', killOnExit);
  });
  const url = `http://127.0.0.1:${options.port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the API');
  try {
    await waitUntilHealthy(url, child, stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await exited(child);
    throw error;
  }
  return {
    url,
    trpcUrl: `${url}/trpc`,
    pid,
    async rssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (kib === undefined) throw new Error('no VmRSS in /proc status');
      return Number(kib) * 1024;
    },
    stderr,
    stdout: () => stdoutText,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
