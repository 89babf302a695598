// A real API server on an ephemeral port over a fresh test database, for the client's integration tests.
import { randomBytes } from 'node:crypto';
import { loadConfig, startApiServer } from '@latchkey/api';
import { createTestDatabase } from '@latchkey/db/testing';
import { apiTransport } from './env.js';

export interface TestApi {
  /** The tRPC endpoint, `http://127.0.0.1:port/trpc`. */
  readonly trpcUrl: string;
  /** Moves the server's clock; every token check and refresh reads it. */
  setClockOffsetSeconds(seconds: number): void;
  /** From now on every clock reading is an hour after the previous one: every access token is expired. */
  makeEveryTokenExpired(): void;
  close(): Promise<void>;
}

export async function startTestApi(options: {
  accessTokenTtlSeconds: number;
  /** More API environment, e.g. rate limits and TRUST_PROXY for the lock-out tests. */
  env?: Readonly<Record<string, string>>;
}): Promise<TestApi> {
  const testDatabase = await createTestDatabase();
  let offsetMs = 0;
  let jumpMs = 0;
  const now = (): Date => {
    offsetMs += jumpMs;
    return new Date(Date.now() + offsetMs);
  };
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ACCESS_TOKEN_TTL: String(options.accessTokenTtlSeconds),
      LOG_LEVEL: 'silent',
      HTTP_TRANSPORT: apiTransport,
      ...options.env,
    },
    { now },
  );
  const server = await startApiServer({ config, database: testDatabase.database, port: 0 });
  return {
    trpcUrl: `${server.url}/trpc`,
    setClockOffsetSeconds: (seconds) => {
      offsetMs = seconds * 1000;
    },
    makeEveryTokenExpired: () => {
      jumpMs = 3_600_000;
    },
    close: async () => {
      await server.close();
      await testDatabase.dispose();
    },
  };
}

/** A fetch that counts calls per procedure and passes every request on unchanged (observing, not mocking). */
export function countingFetch(): {
  fetch: typeof globalThis.fetch;
  count: (procedure: string) => number;
} {
  const counts = new Map<string, number>();
  const observed: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const procedures = decodeURIComponent(
      url.pathname.slice(url.pathname.indexOf('/trpc/') + '/trpc/'.length),
    ).split(',');
    for (const procedure of procedures) counts.set(procedure, (counts.get(procedure) ?? 0) + 1);
    return fetch(input, init);
  };
  return { fetch: observed, count: (procedure) => counts.get(procedure) ?? 0 };
}
