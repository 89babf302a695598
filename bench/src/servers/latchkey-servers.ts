// The Latchkey APIs under test for one benchmark: an HS256 instance and, when asked, an EdDSA one, and the
// same two on tRPC's official adapter, each in its own process, on in-memory PGlite or on a scratch database
// of DATABASE_URL's server; and the teardown.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { generateJwtSecret } from '@latchkey/auth';

import { createScratchDatabase } from '../scratch-database.js';
import type { ScratchDatabase } from '../scratch-database.js';
import { startChildServer } from './child-process.js';
import type { ChildServer } from './child-process.js';
import type { LatchkeyApiConfig } from './latchkey-api.js';

export interface LatchkeyServers {
  hs256: ChildServer;
  edDsa: ChildServer | null;
  /** HS256 on tRPC's official HTTP adapter instead of the API's default transport. */
  hs256Official: ChildServer | null;
  /** EdDSA on tRPC's official HTTP adapter (when both `edDsa` and `officialTransport` are asked for). */
  edDsaOfficial: ChildServer | null;
  /** The HS256 secret, for a peer that must verify the same tokens. */
  secret: string;
  stop(): Promise<void>;
}

const apiEntry = new URL('./latchkey-api.ts', import.meta.url);

/** Starts the APIs; `stop()` ends them and removes everything they made (scratch database, key files). */
export async function startLatchkeyServers(
  databaseUrl: string | null,
  options: { edDsa: boolean; officialTransport: boolean },
): Promise<LatchkeyServers> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-'));
  let scratch: ScratchDatabase | null = null;
  const started: ChildServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.stop()));
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    scratch = databaseUrl === null ? null : await createScratchDatabase(databaseUrl);
    const secret = generateJwtSecret();
    const start = async (
      signing: LatchkeyApiConfig['signing'],
      transport: LatchkeyApiConfig['transport'] = 'fast',
    ): Promise<ChildServer> => {
      const server = await startChildServer(apiEntry, {
        databaseUrl: scratch?.url ?? null,
        dataDir: await mkdtemp(path.join(dataDir, `${signing.algorithm.toLowerCase()}-`)),
        signing,
        transport,
      } satisfies LatchkeyApiConfig);
      started.push(server);
      return server;
    };
    // One after the other: on PostgreSQL both migrate the same scratch database.
    const hs256 = await start({ algorithm: 'HS256', secret });
    const edDsa = options.edDsa ? await start({ algorithm: 'EdDSA' }) : null;
    const hs256Official = options.officialTransport
      ? await start({ algorithm: 'HS256', secret }, 'official')
      : null;
    const edDsaOfficial =
      options.edDsa && options.officialTransport ? await start({ algorithm: 'EdDSA' }, 'official') : null;
    return { hs256, edDsa, hs256Official, edDsaOfficial, secret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
