// Faults on real parts. PostgreSQL leg: a private cluster (initdb + pg_ctl on a free port; the machine's shared
// server is never touched) is stopped and started under a light load. Both legs: the API, as a child process
// under load, is killed with SIGKILL and restarted on the same database (PostgreSQL, or the embedded PGlite
// folder `pnpm dev` uses), then the tables are checked for half-written rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateJwtSecret } from '@latchkey/auth';
import { createDb, sessions, type Database } from '@latchkey/db';
import { createTestDatabase, testDatabaseKind } from '@latchkey/db/testing';
import { describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startTestApi, type WireError } from '../src/testing/test-api.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../src/errors.js';
import { freePort, startChildApi } from './support/child-api.js';
import { checkInvariants } from './support/invariants.js';
import { failedRequests, prepareLoadClients, runMixedLoad, type LoadClient } from './support/mixed-load.js';
import { startPrivatePostgres } from './support/private-postgres.js';

const RECOVERY_LIMIT_MS = 5_000;
/** While PostgreSQL is down a DB-bound call must fail fast (SECURITY.md, known gap 2), not hang. */
const OUTAGE_ANSWER_LIMIT_MS = 3_000;

async function sessionIds(database: Database): Promise<Set<string>> {
  return new Set((await database.orm.select({ id: sessions.id }).from(sessions)).map((row) => row.id));
}

async function statusOf(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

const json = { 'content-type': 'application/json' };

function bearer(client: LoadClient): Record<string, string> {
  return { authorization: `Bearer ${client.accessToken}` };
}

/** One call of each DB-bound kind (a read, a list, a refresh, a login) for `probe`, as [procedure, request]. */
function dbBoundCalls(probe: LoadClient): [string, RequestInit][] {
  return [
    ['auth.me', { headers: bearer(probe) }],
    ['tasks.list', { headers: bearer(probe) }],
    [
      'auth.refresh',
      { method: 'POST', headers: json, body: JSON.stringify({ refreshToken: probe.refreshToken }) },
    ],
    [
      'auth.login',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: probe.username, password: GOOD_PASSWORD }),
      },
    ],
  ];
}

/** Milliseconds until `isRecovered()` first holds, polled every 100 ms; Infinity if not within 15 s. */
async function msUntil(isRecovered: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 15_000) {
    if (await isRecovered()) return performance.now() - start;
    await sleep(100);
  }
  return Number.POSITIVE_INFINITY;
}

if (testDatabaseKind === 'postgres') {
  describe('PostgreSQL stops and starts (private cluster)', () => {
    // Here the load runs before the stop and after the restart, so the stop finds no request in flight and
    // the outage's answers can be checked exactly; the next test stops the server under load.
    it('answers 503 on /readyz and on DB-bound calls (never an auth failure) while it is down, verifies tokens without it, recovers within 5 s and loses no committed session', async () => {
      const cluster = await startPrivatePostgres();
      let database: Database | undefined;
      try {
        database = await createDb({ url: cluster.url });
        await database.migrate();
        const api = await startTestApi({ database });
        try {
          const clients = await prepareLoadClients(api, {
            count: 4,
            prefix: `outage_${process.pid}`,
            password: GOOD_PASSWORD,
          });
          const probe = clients[0]!;
          const before = await runMixedLoad(api, clients.slice(1), {
            durationMs: 1_000,
            ratePerSecond: null,
            thinkTimeMs: 10,
          });
          expect(failedRequests(before)).toBe(0);
          const committedBefore = await sessionIds(database);

          await cluster.stop();
          const readyz = await statusOf(`${api.url}/readyz`);
          expect(readyz).toEqual({ status: 503, body: '{"status":"unavailable"}' });
          expect((await statusOf(`${api.url}/healthz`)).status).toBe(200);
          // Token verification needs no database: a bad or missing token is still told apart exactly.
          const forged = await statusOf(`${api.trpcUrl}/auth.me`, {
            headers: { authorization: 'Bearer e30.e30.e30' },
          });
          expect(forged.status).toBe(401);
          expect((JSON.parse(forged.body) as WireError).error.data.reason).toBe('INVALID');
          const missing = await statusOf(`${api.trpcUrl}/tasks.list`);
          expect((JSON.parse(missing.body) as WireError).error.data.reason).toBe('MISSING');
          // A DB-bound call fails as the server's fault (5xx, fixed message), never as the caller's: a client
          // that saw a 401 would throw away a perfectly good session.
          for (const [procedure, init] of dbBoundCalls(probe)) {
            const answer = await statusOf(`${api.trpcUrl}/${procedure}`, init);
            expect(answer.status, procedure).toBe(503);
            const error = (JSON.parse(answer.body) as WireError).error;
            expect(error.data.reason, procedure).toBeUndefined();
            expect(error.data.code, procedure).toBe('SERVICE_UNAVAILABLE');
            expect(error.data.retryAfter, procedure).toBe(DATABASE_RETRY_AFTER_SECONDS);
          }

          await cluster.start();
          const recoveredMs = await msUntil(
            async () =>
              (await statusOf(`${api.url}/readyz`)).status === 200 &&
              (await statusOf(`${api.trpcUrl}/auth.me`, { headers: bearer(probe) })).status === 200,
          );
          expect(recoveredMs).toBeLessThan(RECOVERY_LIMIT_MS);
          // The probe's refresh token, refused during the outage, still works: nothing was rotated half-way.
          const refreshed = await statusOf(`${api.trpcUrl}/auth.refresh`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ refreshToken: probe.refreshToken }),
          });
          expect(refreshed.status).toBe(200);
          const after = await runMixedLoad(api, clients.slice(1), {
            durationMs: 1_000,
            ratePerSecond: null,
            thinkTimeMs: 10,
          });
          expect(failedRequests(after)).toBe(0);

          const committedAfter = await sessionIds(database);
          expect([...committedBefore].filter((id) => !committedAfter.has(id))).toEqual([]);
          expect([...before.acknowledgedSessions].filter((id) => !committedAfter.has(id))).toEqual([]);
          expect((await checkInvariants(database)).violations).toEqual([]);
        } finally {
          await api.close();
        }
      } finally {
        await database?.close().catch(() => undefined);
        await cluster.destroy();
      }
    }, 60_000);

    // Requests in flight at `pg_ctl stop -m fast` used to hang or crash the process: postgres.js 3.4.9's
    // write/close race (porsager/postgres#1154, #1208; patched in patches/postgres@3.4.9.patch) and its
    // pool-wide reconnect backoff growing to 20 s (capped in packages/db/src/postgres-database.ts). An
    // uncaught exception fails the run (vitest reports it as an unhandled error). SECURITY.md, known gap 2.
    it('stopped under load: every DB-bound call answers 503 within 3 s, every load request is answered, and it recovers within 5 s', async () => {
      const cluster = await startPrivatePostgres();
      let database: Database | undefined;
      try {
        database = await createDb({ url: cluster.url });
        await database.migrate();
        const api = await startTestApi({ database });
        try {
          const clients = await prepareLoadClients(api, {
            count: 5,
            prefix: `inflight_${process.pid}`,
            password: GOOD_PASSWORD,
          });
          const probe = clients[0]!;
          let stopLoad = false;
          const load = runMixedLoad(api, clients.slice(1), {
            durationMs: 60_000,
            ratePerSecond: null,
            thinkTimeMs: 10,
            stop: () => stopLoad,
          });
          await sleep(1_000);
          await cluster.stop();

          for (const [procedure, init] of dbBoundCalls(probe)) {
            // The 3 s bound is the issue's: a hung call rejects here (AbortError) and fails the test.
            const response = await fetch(`${api.trpcUrl}/${procedure}`, {
              ...init,
              signal: AbortSignal.timeout(OUTAGE_ANSWER_LIMIT_MS),
            });
            expect(response.status, procedure).toBe(503);
            expect((JSON.parse(await response.text()) as WireError).error.data.code, procedure).toBe(
              'SERVICE_UNAVAILABLE',
            );
          }
          expect((await statusOf(`${api.url}/readyz`)).status).toBe(503);

          await cluster.start();
          const recoveredMs = await msUntil(
            async () => (await statusOf(`${api.trpcUrl}/auth.me`, { headers: bearer(probe) })).status === 200,
          );
          expect(recoveredMs).toBeLessThan(RECOVERY_LIMIT_MS);
          stopLoad = true;
          const during = await load;
          // Every load request got an answer within mixed-load's 10 s (no `network`), and every 5xx is the
          // outage's 503, never a 500 from an unclassified driver error.
          expect(during.byStatus.network ?? 0).toBe(0);
          expect(
            Object.keys(during.byStatus).filter((status) => Number(status) >= 500 && status !== '503'),
          ).toEqual([]);
          expect(during.byStatus['503'] ?? 0).toBeGreaterThan(0);

          const after = await runMixedLoad(api, clients.slice(1), {
            durationMs: 1_000,
            ratePerSecond: null,
            thinkTimeMs: 10,
          });
          expect(failedRequests(after)).toBe(0);
          // A session the server acknowledged, even in the instant before the stop, was committed.
          const stored = await sessionIds(database);
          expect([...during.acknowledgedSessions].filter((id) => !stored.has(id))).toEqual([]);
          expect((await checkInvariants(database)).violations).toEqual([]);
        } finally {
          await api.close();
        }
      } finally {
        await database?.close().catch(() => undefined);
        await cluster.destroy();
      }
    }, 60_000);
  });
}

describe(`the API killed with SIGKILL under load (${testDatabaseKind})`, () => {
  it('restarts on the same database with no half-written rows and every acknowledged session intact', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-crash-'));
    const testDatabase = testDatabaseKind === 'postgres' ? await createTestDatabase() : null;
    // The test's own connection is not needed while the child runs (PGlite allows one process per folder).
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_SECRET: generateJwtSecret(),
      LATCHKEY_DATA_DIR: dataDir,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000/1m',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '100000/1m',
      RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000/1m',
      ...(testDatabase?.url == null ? {} : { DATABASE_URL: testDatabase.url }),
    };
    const port = await freePort();
    let child = await startChildApi({ env, port });
    let database: Database | undefined;
    try {
      const clients = await prepareLoadClients(child, {
        count: 6,
        prefix: `crash_${process.pid}`,
        password: GOOD_PASSWORD,
      });
      let stopLoad = false;
      const load = runMixedLoad(child, clients, {
        durationMs: 30_000,
        ratePerSecond: null,
        stop: () => stopLoad,
      });
      await sleep(1_500);
      await child.kill();
      stopLoad = true;
      const beforeCrash = await load;
      expect(beforeCrash.requests).toBeGreaterThan(20);

      child = await startChildApi({ env, port });
      expect((await statusOf(`${child.url}/readyz`)).status).toBe(200);
      // The restarted API serves the same clients (re-logging in those whose chain the crash cut).
      const afterRestart = await runMixedLoad(child, clients, { durationMs: 1_000, ratePerSecond: null });
      expect(failedRequests(afterRestart)).toBe(0);
      await child.stop();

      database = await createDb(
        testDatabase?.url == null ? { dataDir: path.join(dataDir, 'pglite') } : { url: testDatabase.url },
      );
      const report = await checkInvariants(database);
      expect(report.violations).toEqual([]);
      expect(report.users).toBe(6);
      const stored = await sessionIds(database);
      expect([...beforeCrash.acknowledgedSessions].filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await child.kill();
      await database?.close();
      await testDatabase?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
