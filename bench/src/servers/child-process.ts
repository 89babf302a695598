// Servers under test run in their own child process, so the load generator (autocannon, in the parent)
// never shares their event loop. The parent forks the entry file, sends it a config over IPC and waits for
// `{ type: 'ready', url }`; the child exits when the parent disconnects or sends `{ type: 'stop' }`.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import { childEnv } from '../env.js';

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

type ParentMessage = { type: 'start'; config: unknown } | { type: 'stop' };
type ChildMessage = { type: 'ready'; url: string } | { type: 'failed'; message: string };

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  return (
    (message.type === 'ready' && typeof message.url === 'string') ||
    (message.type === 'failed' && typeof message.message === 'string')
  );
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
}

export interface ChildServerOptions {
  /**
   * Where the child's stdout goes. `discard` is /dev/null, where a deployment's request log costs what it
   * costs to format and write without a terminal slowing it down; `inherit` shares the bench's.
   */
  stdout?: 'discard' | 'inherit';
  /** Variables on top of `childEnv`'s (the peers read NODE_ENV as their deployments would set it). */
  env?: Readonly<Record<string, string>>;
  /** Node flags on top of this process's loader flags (`--cpu-prof` and its folder). */
  execArgv?: readonly string[];
}

/**
 * Forks `entry` (a module that calls `serveFromChild`) with the same loader flags as this process (tsx and
 * the `@latchkey/source` condition), sends it `config`, and resolves once it listens.
 */
export async function startChildServer(
  entry: URL,
  config: unknown,
  options: ChildServerOptions = {},
): Promise<ChildServer> {
  const child = fork(entry, [], {
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    env: childEnv(options.env ?? {}),
    stdio: ['ignore', options.stdout === 'discard' ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry.pathname}`);
  const stop = async (): Promise<void> => {
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await waitForExit(child);
    clearTimeout(timer);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${entry.pathname} did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${entry.pathname} exited before listening (${signal ?? `code ${code}`})`));
      });
      child.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        clearTimeout(timer);
        if (message.type === 'ready') resolve(message.url);
        else reject(new Error(`${entry.pathname} failed to start: ${message.message}`));
      });
      child.send({ type: 'start', config } satisfies ParentMessage);
    });
    return { url, pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The child's side: waits for the parent's config, starts the server with it, reports its URL, and closes
 * it when told to stop or when the parent goes away.
 */
export function serveFromChild(
  start: (config: unknown) => Promise<{ url: string; close(): Promise<void> }>,
): void {
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  let close: (() => Promise<void>) | null = null;
  const shutdown = (): void => {
    const closing = close === null ? Promise.resolve() : close();
    closing.finally(() => process.exit(0)).catch(() => process.exit(1));
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      shutdown();
      return;
    }
    start(message.config).then(
      (server) => {
        close = () => server.close();
        send({ type: 'ready', url: server.url });
      },
      (error: unknown) => {
        send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  });
  process.on('disconnect', shutdown);
}
