// A private PgBouncer in front of the test server, as teams deploy one: Debian's `pgbouncer` binary, started in
// the foreground on a free port with a config written to a temporary folder, so a test runs its own and never
// touches a shared one. PgBouncer refuses to run as root; then it runs as the `postgres` system user, as the
// private PostgreSQL cluster of private-postgres.ts does.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { exited, freePort } from './child-api.js';
import { inheritedPath } from './env.js';

/** How PgBouncer hands out server connections (its `pool_mode`). */
export type PoolMode = 'session' | 'transaction';

export interface PgBouncer {
  /** `url` with its host and port replaced by the pooler's: the same user and database, through PgBouncer. */
  pooledUrl(url: string): string;
  /** Stops PgBouncer (closing every client connection) and deletes its folder. */
  stop(): Promise<void>;
}

export interface StartPgBouncerOptions {
  /** The server PgBouncer connects to, as a postgres:// URL (its host and port are used). */
  serverUrl: string;
  poolMode: PoolMode;
  /**
   * Server connections per database and user. Small, so that the instances' many client connections share a
   * few server sessions and a statement that relied on its session would meet someone else's.
   */
  poolSize: number;
}

const READY_TIMEOUT_MS = 15_000;

function configFile(options: StartPgBouncerOptions, folder: string, port: number): string {
  const server = new URL(options.serverUrl);
  return [
    '[databases]',
    // Any database name a client asks for, on the test server: every test database goes through one pooler.
    `* = host=${server.hostname} port=${server.port === '' ? '5432' : server.port}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    // The test server trusts local connections; PgBouncer still wants the user listed.
    'auth_type = trust',
    `auth_file = ${path.join(folder, 'users.txt')}`,
    `pool_mode = ${options.poolMode}`,
    `default_pool_size = ${options.poolSize}`,
    'max_client_conn = 500',
    'server_lifetime = 3600',
    '',
  ].join('\n');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Starts PgBouncer; resolves once it accepts connections, throws with its own words if it exits first. */
export async function startPgBouncer(options: StartPgBouncerOptions): Promise<PgBouncer> {
  const folder = await mkdtemp(path.join(tmpdir(), 'latchkey-pgbouncer-'));
  // The `postgres` user (under runuser) reads the config from here.
  await chmod(folder, 0o755);
  const user = new URL(options.serverUrl).username || 'postgres';
  await writeFile(path.join(folder, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
  const port = await freePort();
  const ini = path.join(folder, 'pgbouncer.ini');
  await writeFile(ini, configFile(options, folder, port), { mode: 0o644 });

  const asRoot = userInfo().uid === 0;
  const [file, args] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', 'pgbouncer', ini]]
    : ['pgbouncer', [ini]];
  const child = spawn(file, args, { env: { PATH: inheritedPath }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: PgBouncer's immediate shutdown (SIGINT would wait for every client to leave).
      child.kill('SIGTERM');
      await exited(child);
    }
    await rm(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`pgbouncer did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pooledUrl(url) {
      const pooled = new URL(url);
      pooled.hostname = '127.0.0.1';
      pooled.port = String(port);
      return pooled.toString();
    },
    stop,
  };
}
