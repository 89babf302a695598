// Two API instances behind one PgBouncer in transaction mode, as teams deploy Latchkey on a pooled PostgreSQL:
// DATABASE_URL is the pooler and DATABASE_DIRECT_URL the server itself. Logins, refreshes (racing ones too),
// revocation and the rate limits must behave as they do on a direct connection: the queries share a few server
// sessions, so nothing may rely on one (prepared statements are off), and the revocation fan-out listens on
// the direct URL, since a LISTEN through the pooler would be left on whichever session ran it.
//
// Needs PostgreSQL and Debian's pgbouncer: `DATABASE_URL=postgres://... pnpm --filter @latchkey/api test:pooler`
// (README.md, "Many instances behind a transaction pooler"); `.ci/run` runs it on its PostgreSQL leg.
import { readdir } from 'node:fs/promises';
import { generateJwtSecret } from '@latchkey/auth';
import { migrationsFolder, type Database } from '@latchkey/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@latchkey/db/testing';
import { TRPCClientError } from '@trpc/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openConfiguredDatabase } from '../../src/database.js';
import { createLogger } from '../../src/logger.js';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
} from '../../src/testing/test-api.js';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.js';

if (testDatabaseKind !== 'postgres') {
  throw new Error(
    'the transaction-pooler suite needs a PostgreSQL server: DATABASE_URL=postgres://... pnpm --filter @latchkey/api test:pooler',
  );
}

let testDatabase: TestDatabase;
let bouncer: PgBouncer;
const databases: Database[] = [];
let first: TestApi;
let second: TestApi;

const env = {
  JWT_SECRET: generateJwtSecret(),
  TRUST_PROXY: '1',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '4/10m',
  RATE_LIMIT_SIGNUP_PER_ADDRESS: '4/10m',
};

interface DatabaseUrls {
  DATABASE_URL: string;
  DATABASE_DIRECT_URL: string;
}

/** The database as `pnpm start` opens it from DATABASE_URL and DATABASE_DIRECT_URL: migrated, ready. */
function openAsConfigured(urls: DatabaseUrls): Promise<Database> {
  const config = loadConfig({ NODE_ENV: 'test', ...env, ...urls });
  return openConfiguredDatabase(config, createLogger({ level: 'silent' }));
}

async function startInstance(urls: DatabaseUrls): Promise<TestApi> {
  const database = await openAsConfigured(urls);
  databases.push(database);
  return startTestApi({ database, env });
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const direct = testDatabase.url ?? '';
  // Two server sessions for both instances' pools (10 connections each): every transaction may land on
  // a session another client used a moment before.
  bouncer = await startPgBouncer({ serverUrl: direct, poolMode: 'transaction', poolSize: 2 });
  const urls = { DATABASE_URL: bouncer.pooledUrl(direct), DATABASE_DIRECT_URL: direct };
  [first, second] = await Promise.all([startInstance(urls), startInstance(urls)]);
});

afterAll(async () => {
  await second.close();
  await first.close();
  await Promise.all(databases.map((database) => database.close()));
  await bouncer.stop();
  await testDatabase.dispose();
});

async function reasonOn(api: TestApi, accessToken: string): Promise<string | null> {
  try {
    await api.client(accessToken).auth.me.query();
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { reason?: string }).reason ?? 'other';
    throw error;
  }
}

/** Asks `api` until it refuses the token, for at most `withinMs` (a bound on the wait, not a measurement). */
async function refusedWithin(api: TestApi, accessToken: string, withinMs: number): Promise<string | null> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const reason = await reasonOn(api, accessToken);
    if (reason !== null || Date.now() > deadline) return reason;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let signups = 0;

/** A new account, signed up on `api` from an address of its own (the signup limit counts per address). */
async function signUpOn(api: TestApi) {
  signups += 1;
  const username = uniqueUsername('pooled');
  const response = await post(
    api,
    'auth.signup',
    { username, password: GOOD_PASSWORD, refreshTransport: 'body' },
    { 'x-forwarded-for': `192.0.2.${signups}` },
  );
  expect(response.status).toBe(200);
  const { result } = (await response.json()) as {
    result: { data: { accessToken: string; refreshToken: string } };
  };
  return { username, ...result.data };
}

describe('two instances behind PgBouncer in transaction mode', () => {
  it('sign up on one, log in on the other, and refresh back and forth while other users do the same', async () => {
    const users = await Promise.all([first, second, first, second].map((api) => signUpOn(api)));
    await Promise.all(
      users.map(async ({ username }, index) => {
        const login = await (index % 2 === 0 ? second : first)
          .client()
          .auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
        let refreshToken = login.refreshToken ?? '';
        for (let round = 0; round < 8; round += 1) {
          const api = (round + index) % 2 === 0 ? first : second;
          const refreshed = await api
            .client()
            .auth.refresh.mutate({ refreshToken, refreshTransport: 'body' });
          expect(refreshed.refreshToken).not.toBe(refreshToken);
          refreshToken = refreshed.refreshToken ?? '';
          const other = api === first ? second : first;
          expect((await other.client(refreshed.accessToken).auth.me.query()).username).toBe(username);
        }
      }),
    );
  });

  it('ten racing refreshes of one token, split over both instances, rotate it once and agree on the successor', async () => {
    const { refreshToken } = await signUpOn(first);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 === 0 ? first : second)
          .client()
          .auth.refresh.mutate({ refreshToken, refreshTransport: 'body' }),
      ),
    );
    const successors = new Set(answers.map((answer) => answer.refreshToken));
    expect(successors.size).toBe(1);
    expect(successors.has(refreshToken)).toBe(false);
  });

  it('a logout on one instance is refused on the other within 1 s (NOTIFY through the direct URL)', async () => {
    const { accessToken } = await signUpOn(first);
    expect(await reasonOn(second, accessToken)).toBeNull();
    await first.client(accessToken).auth.logout.mutate();
    // The instances poll every 30 s (the default): refused this soon, the notification arrived.
    expect(await refusedWithin(second, accessToken, 1000)).toBe('REVOKED');
  });

  it('a replayed refresh token on one instance revokes the access tokens on the other within 1 s', async () => {
    const { refreshToken } = await signUpOn(second);
    const rotated = await second.client().auth.refresh.mutate({ refreshToken, refreshTransport: 'body' });
    second.clock.advance(60);
    try {
      await expect(second.client().auth.refresh.mutate({ refreshToken })).rejects.toMatchObject({
        data: { reason: 'REVOKED' },
      });
    } finally {
      second.clock.advance(-60);
    }
    expect(await refusedWithin(first, rotated.accessToken, 1000)).toBe('REVOKED');
  });

  it("failed logins counted on one instance spend the account's limit on the other", async () => {
    const { username } = await signUpOn(first);
    const statuses: number[] = [];
    for (const [index, api] of [first, second, first, second].entries()) {
      const response = await post(
        api,
        'auth.login',
        { username, password: 'wrong password guess' },
        { 'x-forwarded-for': `198.51.100.${index + 1}` },
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401]);
    for (const api of [first, second]) {
      const refused = await post(
        api,
        'auth.login',
        { username, password: GOOD_PASSWORD },
        { 'x-forwarded-for': '198.51.100.99' },
      );
      expect(refused.status).toBe(429);
    }
  });

  it('signups per address are counted across both instances, even when they race', async () => {
    const address = { 'x-forwarded-for': '203.0.113.40' };
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        post(
          index % 2 === 0 ? first : second,
          'auth.signup',
          { username: uniqueUsername('race'), password: GOOD_PASSWORD },
          address,
        ).then((response) => response.status),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });
  it('two instances starting together on an empty database migrate it once, through the direct URL', async () => {
    const direct = testDatabase.url ?? '';
    const admin = postgres(direct, { max: 1, onnotice: () => undefined });
    const name = `latchkey_pooler_empty_${process.pid}_${Date.now()}`;
    await admin`create database ${admin(name)}`;
    const emptyUrl = new URL(direct);
    emptyUrl.pathname = `/${name}`;
    const urls = {
      DATABASE_URL: bouncer.pooledUrl(emptyUrl.toString()),
      DATABASE_DIRECT_URL: emptyUrl.toString(),
    };
    try {
      const opened = await Promise.all([openAsConfigured(urls), openAsConfigured(urls)]);
      try {
        const migrations = (await readdir(migrationsFolder)).filter((file) => file.endsWith('.sql'));
        const applied = postgres(emptyUrl.toString(), { max: 1 });
        try {
          const rows = await applied<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`;
          expect(rows).toHaveLength(migrations.length);
          expect(new Set(rows.map((row) => row.hash)).size).toBe(migrations.length);
        } finally {
          await applied.end();
        }
      } finally {
        await Promise.all(opened.map((database) => database.close()));
      }
    } finally {
      await admin`drop database if exists ${admin(name)} with (force)`;
      await admin.end();
    }
  });
});
