// The Latchkey APIs under test for one benchmark, each in its own process, all on the embedded database
// (each instance its own data folder) or all on one scratch database of a PostgreSQL server (instances
// share it, as a deployment's instances share theirs); and the teardown.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { generateJwtSecret } from '@latchkey/auth';

import { createScratchDatabase } from '../scratch-database.js';
import type { ScratchDatabase } from '../scratch-database.js';
import { startChildServer } from './child-process.js';
import type { ChildServer } from './child-process.js';
import type { LatchkeyApiConfig } from './latchkey-api.js';

/** One instance to start; unset fields take `pnpm start`'s configuration (HS256, `fast`, defaults). */
export interface LatchkeyInstance {
  algorithm?: 'HS256' | 'EdDSA';
  transport?: LatchkeyApiConfig['transport'];
  logLevel?: LatchkeyApiConfig['logLevel'];
  rateLimits?: LatchkeyApiConfig['rateLimits'];
  /** Account recovery on, mailing this SMTP server (default: off, as `pnpm start` in production). */
  recovery?: LatchkeyApiConfig['recovery'];
  /** Names the instance's CPU profile, when profiles are asked for. */
  label?: string;
}

export interface LatchkeyServersOptions {
  /** A folder for a subfolder of `.cpuprofile`s per instance (`node --cpu-prof`), written when it stops. */
  cpuProfileDir?: string | null;
}

export interface LatchkeyServers {
  /** The started instances, in the order they were asked for. */
  instances: ChildServer[];
  /** The scratch database the instances share; null on the embedded database. */
  databaseUrl: string | null;
  /** The HS256 secret every HS256 instance shares, for a peer that must verify the same tokens. */
  secret: string;
  stop(): Promise<void>;
}

/** `embedded`: PGlite in each instance's data folder; otherwise a PostgreSQL server's URL. */
export type DatabaseTarget = 'embedded' | { serverUrl: string };

const apiEntry = new URL('./latchkey-api.ts', import.meta.url);

/** Starts the APIs; `stop()` ends them and removes everything they made (scratch database, data folders). */
export async function startLatchkeyServers(
  database: DatabaseTarget,
  instances: readonly LatchkeyInstance[],
  options: LatchkeyServersOptions = {},
): Promise<LatchkeyServers> {
  const { cpuProfileDir = null } = options;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-'));
  let scratch: ScratchDatabase | null = null;
  const started: ChildServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.stop()));
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    scratch = database === 'embedded' ? null : await createScratchDatabase(database.serverUrl);
    const secret = generateJwtSecret();
    // One after the other: on PostgreSQL they all migrate the same scratch database.
    for (const instance of instances) {
      const algorithm = instance.algorithm ?? 'HS256';
      const server = await startChildServer(
        apiEntry,
        {
          databaseUrl: scratch?.url ?? null,
          dataDir: await mkdtemp(path.join(dataDir, `${algorithm.toLowerCase()}-`)),
          signing: algorithm === 'HS256' ? { algorithm, secret } : { algorithm },
          transport: instance.transport ?? 'fast',
          logLevel: instance.logLevel ?? 'default',
          rateLimits: instance.rateLimits ?? 'default',
          recovery: instance.recovery ?? null,
        } satisfies LatchkeyApiConfig,
        {
          stdout: 'discard',
          execArgv:
            cpuProfileDir === null
              ? []
              : // A folder per instance: Node writes a profile per thread (tsx's loader runs in one of
                // its own), each under its default name; the main thread's is the large one.
                [
                  '--cpu-prof',
                  `--cpu-prof-dir=${path.join(cpuProfileDir, `latchkey-${instance.label ?? algorithm}`)}`,
                ],
        },
      );
      started.push(server);
    }
    return { instances: started, databaseUrl: scratch?.url ?? null, secret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
