// A private PostgreSQL cluster for the outage tests: initdb into a temporary folder and pg_ctl on a free port,
// so a test can stop and start "the database" without touching the machine's shared server (CI and other
// runs use it). initdb refuses to run as root; then the cluster is run as the `postgres` system user.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './child-api.js';
import { inheritedPath } from './env.js';

const run = promisify(execFile);
const POSTGRES_LIB = '/usr/lib/postgresql';

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** pg_ctl stop -m fast: open connections are terminated, as in a crash of the server process. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and deletes its folder. */
  destroy(): Promise<void>;
}

async function postgresBin(): Promise<string> {
  const versions = (await readdir(POSTGRES_LIB)).filter((name) => /^\d+$/.test(name));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL under ${POSTGRES_LIB}`);
  return path.join(POSTGRES_LIB, newest, 'bin');
}

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
async function runPostgresTool(bin: string, args: string[]): Promise<void> {
  const asRoot = userInfo().uid === 0;
  const [file, fileArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  await run(file, fileArgs, { env: { PATH: inheritedPath, LC_ALL: 'C' }, timeout: 60_000 });
}

/** Creates and starts a throw-away cluster with trust authentication on 127.0.0.1. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await postgresBin();
  const root = await mkdtemp(path.join(tmpdir(), 'latchkey-pg-'));
  // The folder must be the cluster owner's; with runuser that is `postgres`, who needs to enter it.
  await chmod(root, 0o777);
  const dataDir = path.join(root, 'data');
  const socketDir = root;
  const logFile = path.join(root, 'server.log');
  const port = await freePort();
  await runPostgresTool(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  const pgCtl = path.join(bin, 'pg_ctl');
  // fsync off: the data is thrown away; a fast stop still writes a clean checkpoint.
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = (): Promise<void> =>
    runPostgresTool(pgCtl, ['start', '-w', '-D', dataDir, '-l', logFile, '-o', options]);
  const stop = (): Promise<void> => runPostgresTool(pgCtl, ['stop', '-w', '-m', 'fast', '-D', dataDir]);
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
