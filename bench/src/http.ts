// Benchmark 2: HTTP requests per second on loopback, autocannon against servers in their own processes.
//
// Contenders: bare node:http JSON (the limit), Latchkey's public `auth.settings` and protected `auth.token`
// (the same kind of answer, with and without the token check), `auth.me` with an HS256 and with an
// EdDSA access token (the full API from `startApiServer`: context, verify with the cache on, revocation
// look-up, one user read from the database), a batch of two `auth.me` calls, the same calls on tRPC's
// official HTTP adapter (HTTP_TRANSPORT=official, to show what the API's own transport buys), and
// Express 5 + jsonwebtoken (the peer). Each round measures every contender once, in rotated order; ratios
// are medians of per-round ratios.
import { randomPassword, signUp } from './api-client.js';
import { runLoad } from './load.js';
import type { LoadOptions } from './load.js';
import type { Goal, Row, Section } from './report.js';
import { runAlternatingRounds } from './rounds.js';
import { startChildServer } from './servers/child-process.js';
import type { ChildServer } from './servers/child-process.js';
import { startLatchkeyServers } from './servers/latchkey-servers.js';
import { median, medianPairedRatio } from './statistics.js';

export interface HttpBenchOptions {
  seconds: number;
  rounds: number;
  connections: number;
  databaseUrl: string | null;
  log: (line: string) => void;
}

/**
 * The pair behind "protected/public": `auth.settings` (public) and `auth.token` (protected) do the same kind
 * of work, a small JSON answer built from memory with no database read, so their ratio prices exactly what a
 * protected call adds: the Authorization header, verification (cache on), the revocation look-up and the
 * protected middleware. `auth.me` adds a user read on top, and is what the bare and peer ratios use.
 */
const BARE = 'bare node:http JSON';
const PUBLIC = 'latchkey public auth.settings';
const TOKEN_HS256 = 'latchkey auth.token HS256';
const TOKEN_EDDSA = 'latchkey auth.token EdDSA';
const ME_HS256 = 'latchkey auth.me HS256';
const ME_EDDSA = 'latchkey auth.me EdDSA';
const ME_HS256_OFFICIAL = 'latchkey auth.me HS256, tRPC adapter';
const ME_EDDSA_OFFICIAL = 'latchkey auth.me EdDSA, tRPC adapter';
const BATCH_HS256 = 'latchkey batch auth.me x2 HS256';
const BATCH_HS256_OFFICIAL = 'latchkey batch auth.me x2 HS256, tRPC adapter';
const BATCH_PATH = '/trpc/auth.me,auth.me?batch=1';
const PEER = 'express 5 + jsonwebtoken';

const AT_LEAST_097: Goal = { comparison: 'at least', value: 0.97 };

const entry = (relative: string): URL => new URL(relative, import.meta.url);

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Runs benchmark 2. */
export async function runHttpBench(options: HttpBenchOptions): Promise<Section[]> {
  const servers: ChildServer[] = [];
  const latchkey = await startLatchkeyServers(options.databaseUrl, { edDsa: true, officialTransport: true });
  try {
    const bare = await startChildServer(entry('./peers/bare-http.ts'), {});
    servers.push(bare);
    const peer = await startChildServer(entry('./peers/express-jsonwebtoken.ts'), {
      secret: latchkey.secret,
    });
    servers.push(peer);

    const { edDsa, hs256Official, edDsaOfficial } = latchkey;
    if (edDsa === null || hs256Official === null || edDsaOfficial === null)
      throw new Error('an API under test did not start');
    const hsUser = await signUp(latchkey.hs256.url, { username: 'bench-hs256', password: randomPassword() });
    const edUser = await signUp(edDsa.url, { username: 'bench-eddsa', password: randomPassword() });
    const officialUser = await signUp(hs256Official.url, {
      username: 'bench-official',
      password: randomPassword(),
    });
    const edOfficialUser = await signUp(edDsaOfficial.url, {
      username: 'bench-eddsa-official',
      password: randomPassword(),
    });

    const loads: { name: string; load: Omit<LoadOptions, 'seconds' | 'connections'> }[] = [
      { name: BARE, load: { url: `${bare.url}/` } },
      {
        name: PUBLIC,
        load: { url: `${latchkey.hs256.url}/trpc/auth.settings` },
      },
      {
        name: TOKEN_HS256,
        load: { url: `${latchkey.hs256.url}/trpc/auth.token`, headers: bearer(hsUser.accessToken) },
      },
      {
        name: TOKEN_EDDSA,
        load: { url: `${edDsa.url}/trpc/auth.token`, headers: bearer(edUser.accessToken) },
      },
      {
        name: ME_HS256,
        load: { url: `${latchkey.hs256.url}/trpc/auth.me`, headers: bearer(hsUser.accessToken) },
      },
      { name: ME_EDDSA, load: { url: `${edDsa.url}/trpc/auth.me`, headers: bearer(edUser.accessToken) } },
      {
        name: ME_HS256_OFFICIAL,
        load: { url: `${hs256Official.url}/trpc/auth.me`, headers: bearer(officialUser.accessToken) },
      },
      {
        name: ME_EDDSA_OFFICIAL,
        load: { url: `${edDsaOfficial.url}/trpc/auth.me`, headers: bearer(edOfficialUser.accessToken) },
      },
      {
        name: BATCH_HS256,
        load: { url: `${latchkey.hs256.url}${BATCH_PATH}`, headers: bearer(hsUser.accessToken) },
      },
      {
        name: BATCH_HS256_OFFICIAL,
        load: { url: `${hs256Official.url}${BATCH_PATH}`, headers: bearer(officialUser.accessToken) },
      },
      // The same HS256 token Latchkey issued: the peer verifies it with the shared secret.
      { name: PEER, load: { url: `${peer.url}/me`, headers: bearer(hsUser.accessToken) } },
    ];

    const warmupSeconds = Math.min(2, options.seconds);
    for (const { name, load } of loads) {
      options.log(`http: warming up ${name}`);
      await runLoad({ ...load, connections: options.connections, seconds: warmupSeconds });
    }
    const results = await runAlternatingRounds(
      loads.map(({ name, load }) => ({
        name,
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
    const measured = (name: string): number[] => results.get(name) ?? [];
    const contenderRow = (name: string, note?: string): Row => ({
      name,
      value: median(measured(name)),
      samples: measured(name),
      unit: 'req/s',
      ratio: medianPairedRatio(measured(name), measured(BARE)),
      against: BARE,
      ...(note === undefined ? {} : { note }),
    });
    const ratioRow = (name: string, numerator: string, denominator: string, goal?: Goal): Row => ({
      name,
      value: null,
      unit: '',
      ratio: medianPairedRatio(measured(numerator), measured(denominator)),
      against: denominator,
      ...(goal === undefined ? {} : { goal }),
    });
    const rows: Row[] = [
      contenderRow(BARE, 'the limit'),
      contenderRow(PUBLIC, 'no token, no DB read'),
      contenderRow(TOKEN_HS256, 'auth.settings plus the token check'),
      contenderRow(TOKEN_EDDSA, 'auth.settings plus the token check'),
      contenderRow(ME_HS256),
      contenderRow(ME_EDDSA),
      contenderRow(ME_HS256_OFFICIAL, 'HTTP_TRANSPORT=official'),
      contenderRow(ME_EDDSA_OFFICIAL, 'HTTP_TRANSPORT=official'),
      contenderRow(BATCH_HS256, 'one request, two calls'),
      contenderRow(BATCH_HS256_OFFICIAL, 'one request, two calls; HTTP_TRANSPORT=official'),
      contenderRow(PEER, 'the peer: no DB read, no revocation check'),
      ratioRow('protected/public, HS256 (auth.token / auth.settings)', TOKEN_HS256, PUBLIC, AT_LEAST_097),
      ratioRow('protected/public, EdDSA (auth.token / auth.settings)', TOKEN_EDDSA, PUBLIC, AT_LEAST_097),
      ratioRow('protected/bare, HS256', ME_HS256, BARE),
      ratioRow('protected/peer, HS256', ME_HS256, PEER),
      ratioRow('protected/bare, EdDSA', ME_EDDSA, BARE),
      ratioRow('protected/bare, batch of 2, HS256', BATCH_HS256, BARE),
      ratioRow('API transport / tRPC adapter, HS256', ME_HS256, ME_HS256_OFFICIAL),
      ratioRow('API transport / tRPC adapter, EdDSA', ME_EDDSA, ME_EDDSA_OFFICIAL),
      ratioRow('API transport / tRPC adapter, batch of 2, HS256', BATCH_HS256, BATCH_HS256_OFFICIAL),
    ];
    const notes = [
      `autocannon (programmatic) in the bench process, ${options.connections} connections, ${options.seconds} s per contender per round, ${options.rounds} alternated rounds after a ${warmupSeconds} s warm-up each`,
      'every server in its own child process (node:child_process.fork), so the load generator never shares its event loop (all still share the machine cores)',
      `API: startApiServer, NODE_ENV=production, LOG_LEVEL=silent, ${options.databaseUrl === null ? 'in-memory PGlite in the API process' : 'a scratch database on DATABASE_URL'}; auth.me = verify (cache on) + revocation look-up + one user read`,
      'protected/public: auth.token (protected) against auth.settings (public), both answered from memory, so the ratio is the price of the token check alone (verify with the cache on, revocation look-up, middleware)',
    ];
    return [{ id: 'http', title: '2. HTTP on loopback', rows, notes, skipped: null }];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await latchkey.stop();
  }
}
