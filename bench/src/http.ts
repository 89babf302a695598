// Benchmark 2: HTTP requests per second on loopback, autocannon against servers in their own processes.
//
// Latchkey runs as deployed (servers/latchkey-api.ts: `pnpm start`'s configuration, its request log written
// to /dev/null, the default rate limits) on the embedded database and on PostgreSQL, in the same run. On each:
// the public `auth.settings`, the protected `auth.token` (the same kind of answer from memory, behind the token
// check) and `auth.me` (the token check plus the user), and `auth.token` with an EdDSA token; the same three with
// LOG_LEVEL=silent as a diagnostic. On PostgreSQL also tRPC's official adapter and a batch of two. Against them:
// bare node:http JSON (the limit), Express 5 + jsonwebtoken, fastify 5 + @fastify/jwt with and without its
// logger, and better-auth's `getSession` on the same PostgreSQL server, by default and with its cookie cache.
// Each round measures every contender once, in rotated order; ratios are medians of per-round ratios.
import { randomPassword, signUp } from './api-client.js';
import { runLoad } from './load.js';
import type { LoadOptions } from './load.js';
import { signUpOnBetterAuth } from './peers/better-auth-sign-up.js';
import type { BetterAuthPeerConfig } from './peers/better-auth-session.js';
import type { FastifyPeerConfig } from './peers/fastify-jwt.js';
import type { Goal, Row, Section } from './report.js';
import { runAlternatingRounds } from './rounds.js';
import { createScratchDatabase } from './scratch-database.js';
import type { ScratchDatabase } from './scratch-database.js';
import { startChildServer } from './servers/child-process.js';
import type { ChildServer } from './servers/child-process.js';
import { startLatchkeyServers } from './servers/latchkey-servers.js';
import type { DatabaseTarget, LatchkeyServers } from './servers/latchkey-servers.js';
import { median, medianPairedRatio } from './statistics.js';

export interface HttpBenchOptions {
  seconds: number;
  rounds: number;
  connections: number;
  /** The PostgreSQL server: scratch databases for the API and for better-auth. */
  databaseUrl: string;
  /** `pnpm bench --cpu-prof DIR`: a CPU profile of every Latchkey instance. */
  cpuProfileDir: string | null;
  log: (line: string) => void;
}

type DatabaseLabel = 'PGlite' | 'PostgreSQL';

/** The contenders' names, one place, so a row and the ratio that reads it cannot drift apart. */
const name = {
  bare: 'bare node:http JSON',
  settings: (db: DatabaseLabel) => `latchkey auth.settings, ${db}`,
  token: (db: DatabaseLabel) => `latchkey auth.token, ${db}`,
  me: (db: DatabaseLabel) => `latchkey auth.me, ${db}`,
  tokenEdDsa: (db: DatabaseLabel) => `latchkey auth.token EdDSA, ${db}`,
  settingsSilent: (db: DatabaseLabel) => `latchkey auth.settings, ${db}, silent`,
  tokenSilent: (db: DatabaseLabel) => `latchkey auth.token, ${db}, silent`,
  meSilent: (db: DatabaseLabel) => `latchkey auth.me, ${db}, silent`,
  meOfficial: 'latchkey auth.me, PostgreSQL, tRPC adapter',
  batch: 'latchkey batch auth.me x2, PostgreSQL',
  batchOfficial: 'latchkey batch auth.me x2, PostgreSQL, tRPC adapter',
  express: 'express 5 + jsonwebtoken',
  fastify: 'fastify 5 + @fastify/jwt',
  fastifyQuiet: 'fastify 5 + @fastify/jwt, no logger',
  betterAuth: 'better-auth getSession',
  betterAuthCached: 'better-auth getSession, cookie cache',
} as const;

const BATCH_PATH = '/trpc/auth.me,auth.me?batch=1';
// `pnpm start`'s AUTH_ISSUER and AUTH_AUDIENCE: the fastify peer checks the same claims.
const ISSUER = 'latchkey';
const AUDIENCE = 'latchkey-api';

const atLeast = (value: number): Goal => ({ comparison: 'at least', value });

const entry = (relative: string): URL => new URL(relative, import.meta.url);

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

type Load = Omit<LoadOptions, 'seconds' | 'connections'>;

interface LatchkeyGroup {
  db: DatabaseLabel;
  servers: LatchkeyServers;
  loads: { name: string; load: Load }[];
  /** An HS256 access token of the as-deployed instance, for the peers that verify the same secret. */
  hs256Token: string;
}

/** Starts Latchkey's instances on one database and signs a user up on each; returns their loads. */
async function startLatchkeyGroup(
  db: DatabaseLabel,
  target: DatabaseTarget,
  options: Pick<HttpBenchOptions, 'cpuProfileDir' | 'log'>,
): Promise<LatchkeyGroup> {
  options.log(`http: starting Latchkey on ${db}`);
  const onPostgres = db === 'PostgreSQL';
  const servers = await startLatchkeyServers(
    target,
    [
      { label: `${db}-deployed` },
      { algorithm: 'EdDSA', label: `${db}-eddsa` },
      { logLevel: 'silent', label: `${db}-silent` },
      ...(onPostgres ? [{ transport: 'official' as const, label: `${db}-official` }] : []),
    ],
    { cpuProfileDir: options.cpuProfileDir },
  );
  try {
    const [deployed, edDsa, silent, official] = servers.instances;
    if (deployed === undefined || edDsa === undefined || silent === undefined)
      throw new Error('an API under test did not start');
    const user = async (server: ChildServer, label: string): Promise<string> =>
      (await signUp(server.url, { username: `bench-${label}`, password: randomPassword() })).accessToken;
    const token = await user(deployed, 'deployed');
    const edToken = await user(edDsa, 'eddsa');
    const silentToken = await user(silent, 'silent');
    const loads: { name: string; load: Load }[] = [
      { name: name.settings(db), load: { url: `${deployed.url}/trpc/auth.settings` } },
      { name: name.token(db), load: { url: `${deployed.url}/trpc/auth.token`, headers: bearer(token) } },
      { name: name.me(db), load: { url: `${deployed.url}/trpc/auth.me`, headers: bearer(token) } },
      { name: name.tokenEdDsa(db), load: { url: `${edDsa.url}/trpc/auth.token`, headers: bearer(edToken) } },
      { name: name.settingsSilent(db), load: { url: `${silent.url}/trpc/auth.settings` } },
      {
        name: name.tokenSilent(db),
        load: { url: `${silent.url}/trpc/auth.token`, headers: bearer(silentToken) },
      },
      { name: name.meSilent(db), load: { url: `${silent.url}/trpc/auth.me`, headers: bearer(silentToken) } },
    ];
    if (official !== undefined) {
      const officialToken = await user(official, 'official');
      loads.push(
        {
          name: name.meOfficial,
          load: { url: `${official.url}/trpc/auth.me`, headers: bearer(officialToken) },
        },
        { name: name.batch, load: { url: `${deployed.url}${BATCH_PATH}`, headers: bearer(token) } },
        {
          name: name.batchOfficial,
          load: { url: `${official.url}${BATCH_PATH}`, headers: bearer(officialToken) },
        },
      );
    }
    return { db, servers, loads, hs256Token: token };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}

/** Runs benchmark 2. */
export async function runHttpBench(options: HttpBenchOptions): Promise<Section[]> {
  const peers: ChildServer[] = [];
  const groups: LatchkeyGroup[] = [];
  let betterAuthDatabase: ScratchDatabase | null = null;
  try {
    groups.push(await startLatchkeyGroup('PGlite', 'embedded', options));
    const postgresGroup = await startLatchkeyGroup('PostgreSQL', { serverUrl: options.databaseUrl }, options);
    groups.push(postgresGroup);
    const { secret } = postgresGroup.servers;
    const token = postgresGroup.hs256Token;

    options.log('http: starting the peers');
    const startPeer = async (
      file: string,
      config: unknown,
      env: Record<string, string> = {},
    ): Promise<ChildServer> => {
      const server = await startChildServer(entry(file), config, { stdout: 'discard', env });
      peers.push(server);
      return server;
    };
    const bare = await startPeer('./peers/bare-http.ts', {});
    const express = await startPeer('./peers/express-jsonwebtoken.ts', { secret });
    const fastifyConfig = { secret, issuer: ISSUER, audience: AUDIENCE, logger: true };
    const fastify = await startPeer('./peers/fastify-jwt.ts', fastifyConfig satisfies FastifyPeerConfig);
    const fastifyQuiet = await startPeer('./peers/fastify-jwt.ts', {
      ...fastifyConfig,
      logger: false,
    } satisfies FastifyPeerConfig);
    betterAuthDatabase = await createScratchDatabase(options.databaseUrl);
    const betterAuthSecret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    // One after the other: both create better-auth's tables in the same scratch database.
    const betterAuthPeers: ChildServer[] = [];
    for (const cookieCache of [false, true]) {
      const config: BetterAuthPeerConfig = {
        databaseUrl: betterAuthDatabase.url,
        secret: betterAuthSecret,
        cookieCache,
      };
      betterAuthPeers.push(
        await startPeer('./peers/better-auth-session.ts', config, { NODE_ENV: 'production' }),
      );
    }
    const [betterAuth, betterAuthCached] = betterAuthPeers;
    if (betterAuth === undefined || betterAuthCached === undefined)
      throw new Error('a better-auth peer did not start');
    const betterAuthCookie = async (server: ChildServer, label: string): Promise<string> =>
      signUpOnBetterAuth(server.url, {
        email: `bench-${label}@example.com`,
        password: randomPassword(),
        name: `bench ${label}`,
      });

    const loads: { name: string; load: Load }[] = [
      { name: name.bare, load: { url: `${bare.url}/` } },
      ...groups.flatMap((group) => group.loads),
      // The same HS256 token Latchkey issued on PostgreSQL: the peers verify it with the shared secret.
      { name: name.express, load: { url: `${express.url}/me`, headers: bearer(token) } },
      { name: name.fastify, load: { url: `${fastify.url}/me`, headers: bearer(token) } },
      { name: name.fastifyQuiet, load: { url: `${fastifyQuiet.url}/me`, headers: bearer(token) } },
      {
        name: name.betterAuth,
        load: { url: `${betterAuth.url}/me`, headers: { cookie: await betterAuthCookie(betterAuth, 'db') } },
      },
      {
        name: name.betterAuthCached,
        load: {
          url: `${betterAuthCached.url}/me`,
          headers: { cookie: await betterAuthCookie(betterAuthCached, 'cached') },
        },
      },
    ];

    const warmupSeconds = Math.min(2, options.seconds);
    for (const { name: contender, load } of loads) {
      options.log(`http: warming up ${contender}`);
      await runLoad({ ...load, connections: options.connections, seconds: warmupSeconds });
    }
    const results = await runAlternatingRounds(
      loads.map(({ name: contender, load }) => ({
        name: contender,
        measure: async () =>
          (await runLoad({ ...load, connections: options.connections, seconds: options.seconds }))
            .requestsPerSecond,
      })),
      {
        rounds: options.rounds,
        onRound: (round) => {
          options.log(`http: round ${round + 1}/${options.rounds}`);
        },
      },
    );
    const rows = httpRows((contender) => results.get(contender) ?? [], loads);
    const notes = [
      `autocannon (programmatic) in the bench process, ${options.connections} connections, ${options.seconds} s per contender per round, ${options.rounds} alternated rounds after a ${warmupSeconds} s warm-up each`,
      'every server in its own child process (node:child_process.fork), so the load generator never shares its event loop (all still share the machine cores)',
      "Latchkey as deployed: startApiServer with pnpm start's configuration (NODE_ENV=production, LOG_LEVEL unset = info, default rate limits), the request log on /dev/null; PGlite in a data folder per instance, PostgreSQL in one scratch database; auth.me = token check + the user",
      'silent rows: the same instance with LOG_LEVEL=silent, a diagnostic of what the request log costs, never the headline',
      'protected/public: auth.token (protected) against auth.settings (public), both answered from memory, so the ratio is the price of the token check alone',
      `peers verify Latchkey's HS256 token; they read no user and check no revocation. fastify: logger on (its documented start) to /dev/null, and off; better-auth 1.7: pg Pool on a scratch database of the same server, NODE_ENV=production, cookie cache maxAge raised to outlive the run`,
    ];
    return [{ id: 'http', title: '2. HTTP on loopback', rows, notes, skipped: null }];
  } finally {
    await Promise.all(peers.map((server) => server.stop()));
    await Promise.all(groups.map((group) => group.servers.stop()));
    await betterAuthDatabase?.drop();
  }
}

/** The rows of benchmark 2 from each contender's per-round figures. */
function httpRows(measured: (contender: string) => number[], loads: readonly { name: string }[]): Row[] {
  const contenderRow = (contender: string): Row => ({
    name: contender,
    value: median(measured(contender)),
    samples: measured(contender),
    unit: 'req/s',
    ratio: medianPairedRatio(measured(contender), measured(name.bare)),
    against: name.bare,
  });
  const ratioRow = (label: string, numerator: string, denominator: string, goal?: Goal): Row => ({
    name: label,
    value: null,
    unit: '',
    ratio: medianPairedRatio(measured(numerator), measured(denominator)),
    against: denominator,
    ...(goal === undefined ? {} : { goal }),
  });
  const databases: DatabaseLabel[] = ['PostgreSQL', 'PGlite'];
  return [
    ...loads.map((load) => contenderRow(load.name)),
    ...databases.flatMap((db) => [
      ratioRow(`auth.token / bare, ${db}`, name.token(db), name.bare, atLeast(0.35)),
      ratioRow(`auth.me / auth.token, ${db}`, name.me(db), name.token(db), atLeast(0.9)),
      ratioRow(`protected/public, ${db}`, name.token(db), name.settings(db), atLeast(0.97)),
      ratioRow(`protected/public EdDSA, ${db}`, name.tokenEdDsa(db), name.settings(db), atLeast(0.97)),
      ratioRow(`auth.me / fastify + @fastify/jwt, ${db}`, name.me(db), name.fastify, atLeast(0.8)),
    ]),
    ratioRow('auth.me / better-auth getSession', name.me('PostgreSQL'), name.betterAuth, atLeast(15)),
    ratioRow(
      'auth.me / better-auth getSession, cookie cache',
      name.me('PostgreSQL'),
      name.betterAuthCached,
      atLeast(8),
    ),
    ratioRow('auth.me / express 5 + jsonwebtoken', name.me('PostgreSQL'), name.express),
    ...databases.flatMap((db) => [
      ratioRow(`diagnostic: auth.token / bare, ${db}, silent`, name.tokenSilent(db), name.bare),
      ratioRow(`diagnostic: auth.me / auth.token, ${db}, silent`, name.meSilent(db), name.tokenSilent(db)),
      ratioRow(`diagnostic: protected/public, ${db}, silent`, name.tokenSilent(db), name.settingsSilent(db)),
      ratioRow(
        `diagnostic: info log / silent, auth.settings, ${db}`,
        name.settings(db),
        name.settingsSilent(db),
      ),
    ]),
    ratioRow(
      'diagnostic: auth.me silent / fastify no logger',
      name.meSilent('PostgreSQL'),
      name.fastifyQuiet,
    ),
    ratioRow('API transport / tRPC adapter, auth.me', name.me('PostgreSQL'), name.meOfficial),
    ratioRow('API transport / tRPC adapter, batch of 2', name.batch, name.batchOfficial),
  ];
}
