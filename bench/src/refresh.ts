// Benchmark 4: refresh-token rotations per second on PostgreSQL, Latchkey's data layer against the floor
// (and, as a diagnostic, the floor with prepared statements off, which Drizzle uses for unnamed queries).
//
// Latchkey: `createRepositories(createDb({ url })).sessions.rotateRefreshToken(...)`, the one transaction the
// API's refresh runs (Drizzle over postgres.js). Floor: the same five statements, hand-written for
// postgres.js, in one `sql.begin` transaction, with the same checks in between. Both sides make the next
// token and seal it (what the API does before the call), so the ratio isolates the data layer. Several
// chains rotate at once, each on its own session, as many clients refreshing would.
import { generateRefreshToken, hashRefreshToken, sealSuccessor } from '@latchkey/auth';
import { createDb, createRepositories } from '@latchkey/db';
import type { Repositories } from '@latchkey/db';
import postgres from 'postgres';

import type { Row, Section } from './report.js';
import { runAlternatingRounds } from './rounds.js';
import { createScratchDatabase } from './scratch-database.js';
import { median, medianPairedRatio } from './statistics.js';

export interface RefreshBenchOptions {
  seconds: number;
  rounds: number;
  /** Chains rotating at once (and connections in each pool). */
  concurrency: number;
  databaseUrl: string;
  log: (line: string) => void;
}

const FLOOR = 'raw postgres.js, one transaction';
/** The floor without server-side prepared statements: tells how much of a gap is parse-and-plan. */
const UNPREPARED = 'raw postgres.js, unprepared';
const LATCHKEY = 'latchkey sessions.rotateRefreshToken';
const IDLE_TTL_SECONDS = 30 * 86_400;
const ABSOLUTE_TTL_SECONDS = 90 * 86_400;
const GRACE_SECONDS = 10;

type Rotate = (presented: string, now: Date) => Promise<string>;

/** A chain: its current refresh token, rotated over and over. */
interface Chain {
  token: string;
}

async function createChains(repositories: Repositories, prefix: string, count: number): Promise<Chain[]> {
  const chains: Chain[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = await repositories.users.insert({
      username: `${prefix}-${index}`,
      passwordHash: 'not-a-real-hash',
    });
    if (user === null) throw new Error('could not create a bench user');
    const first = generateRefreshToken();
    const now = new Date();
    await repositories.sessions.create({
      userId: user.id,
      refreshTokenHash: first.hash,
      userAgent: 'latchkey-bench',
      ip: '127.0.0.1',
      now,
      idleTtlSeconds: IDLE_TTL_SECONDS,
      absoluteTtlSeconds: ABSOLUTE_TTL_SECONDS,
      authTime: now,
    });
    chains.push({ token: first.token });
  }
  return chains;
}

function latchkeyRotate(repositories: Repositories): Rotate {
  return async (presented, now) => {
    const next = generateRefreshToken();
    const result = await repositories.sessions.rotateRefreshToken({
      presentedHash: hashRefreshToken(presented),
      nextHash: next.hash,
      successorSealed: sealSuccessor(next.token, presented),
      now,
      graceSeconds: GRACE_SECONDS,
      idleTtlSeconds: IDLE_TTL_SECONDS,
      ip: '127.0.0.1',
    });
    if (result.kind !== 'rotated') throw new Error(`rotation answered ${result.kind}`);
    return next.token;
  };
}

interface SessionRow {
  id: string;
  expires_at: Date;
  absolute_expires_at: Date;
  revoked_at: Date | null;
  disabled_at: Date | null;
}

interface TokenRow {
  rotated_at: Date | null;
}

/** The statements of `rotateRefreshToken`'s "rotated" path, as one would write them by hand. */
function rawRotate(sql: postgres.Sql): Rotate {
  return async (presented, now) => {
    const next = generateRefreshToken();
    const presentedHash = hashRefreshToken(presented);
    const successorSealed = sealSuccessor(next.token, presented);
    await sql.begin(async (tx) => {
      const [locked] = await tx<SessionRow[]>`
        select s.*, u.id as user_id_, u.username, u.password_hash, u.role, u.disabled_at, u.created_at as user_created_at, u.password_changed_at
        from sessions s join users u on u.id = s.user_id
        where s.id in (select session_id from refresh_tokens where token_hash = ${presentedHash})
        for update of s`;
      if (locked === undefined) throw new Error('raw rotation: unknown token');
      const [token] = await tx<TokenRow[]>`select * from refresh_tokens where token_hash = ${presentedHash}`;
      if (token === undefined) throw new Error('raw rotation: unknown token');
      if (locked.revoked_at !== null || locked.disabled_at !== null) throw new Error('raw rotation: revoked');
      if (now >= locked.expires_at || now >= locked.absolute_expires_at)
        throw new Error('raw rotation: expired');
      if (token.rotated_at !== null) throw new Error('raw rotation: reuse');
      await tx`update refresh_tokens set rotated_at = ${now}, successor_hash = ${next.hash}, successor_sealed = ${successorSealed}
        where token_hash = ${presentedHash}`;
      await tx`insert into refresh_tokens (token_hash, session_id, created_at) values (${next.hash}, ${locked.id}, ${now})`;
      const idleExpiry = new Date(now.getTime() + IDLE_TTL_SECONDS * 1000);
      const expiresAt = idleExpiry < locked.absolute_expires_at ? idleExpiry : locked.absolute_expires_at;
      const slid =
        await tx`update sessions set last_used_at = ${now}, last_used_ip = ${'127.0.0.1'}, expires_at = ${expiresAt} where id = ${locked.id} returning *`;
      if (slid.length !== 1) throw new Error('raw rotation lost the locked session row');
    });
    return next.token;
  };
}

/** Rotations per second over `seconds`, every chain rotating back to back, counting those done in time. */
async function rotationRate(chains: Chain[], rotate: Rotate, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  await Promise.all(
    chains.map(async (chain) => {
      while (performance.now() < deadline) {
        chain.token = await rotate(chain.token, new Date());
        if (performance.now() <= deadline) completed += 1;
      }
    }),
  );
  return completed / seconds;
}

/** Runs benchmark 4. */
export async function runRefreshBench(options: RefreshBenchOptions): Promise<Section[]> {
  const title = '4. Refresh rotations on PostgreSQL';
  const scratch = await createScratchDatabase(options.databaseUrl);
  try {
    const database = await createDb({ url: scratch.url });
    const sql = postgres(scratch.url, { max: 10, onnotice: () => undefined });
    const unpreparedSql = postgres(scratch.url, { max: 10, prepare: false, onnotice: () => undefined });
    try {
      await database.migrate();
      const repositories = createRepositories(database);
      const latchkeyChains = await createChains(repositories, 'bench-latchkey', options.concurrency);
      const rawChains = await createChains(repositories, 'bench-raw', options.concurrency);
      const unpreparedChains = await createChains(repositories, 'bench-unprepared', options.concurrency);
      const latchkey = latchkeyRotate(repositories);
      const raw = rawRotate(sql);
      const unprepared = rawRotate(unpreparedSql);
      // Cross-check: a chain rotated by hand is then rotated by Latchkey's repository (which throws unless it
      // answers "rotated") and back, so the floor leaves exactly the state the real code expects.
      const probe = rawChains[0];
      if (probe === undefined) throw new Error('no chains');
      probe.token = await raw(probe.token, new Date());
      probe.token = await latchkey(probe.token, new Date());
      probe.token = await raw(probe.token, new Date());

      options.log('refresh: warming up');
      await rotationRate(latchkeyChains, latchkey, 1);
      await rotationRate(rawChains, raw, 1);
      await rotationRate(unpreparedChains, unprepared, 1);
      const results = await runAlternatingRounds(
        [
          { name: FLOOR, measure: () => rotationRate(rawChains, raw, options.seconds) },
          { name: LATCHKEY, measure: () => rotationRate(latchkeyChains, latchkey, options.seconds) },
          { name: UNPREPARED, measure: () => rotationRate(unpreparedChains, unprepared, options.seconds) },
        ],
        {
          rounds: options.rounds,
          onRound: (round) => {
            options.log(`refresh: round ${round + 1}/${options.rounds}`);
          },
        },
      );
      const floor = results.get(FLOOR) ?? [];
      const measured = results.get(LATCHKEY) ?? [];
      const unpreparedRates = results.get(UNPREPARED) ?? [];
      const rows: Row[] = [
        { name: FLOOR, value: median(floor), samples: floor, unit: 'rotations/s', ratio: 1, against: FLOOR },
        {
          name: LATCHKEY,
          value: median(measured),
          samples: measured,
          unit: 'rotations/s',
          ratio: medianPairedRatio(measured, floor),
          against: FLOOR,
          goal: { comparison: 'at least', value: 0.8 },
        },
        {
          name: UNPREPARED,
          value: median(unpreparedRates),
          samples: unpreparedRates,
          unit: 'rotations/s',
          ratio: medianPairedRatio(unpreparedRates, floor),
          against: FLOOR,
          note: 'diagnostic: the floor without prepared statements',
        },
      ];
      const notes = [
        `${options.concurrency} chains rotating at once, each on its own session; pools of 10 connections; ${options.seconds} s x ${options.rounds} alternated rounds`,
        'all: lock the session (SELECT ... FOR UPDATE), read the token, mark it rotated with its sealed successor, insert the next, slide the expiry; next token and seal made in every loop',
        'on a scratch database of the DATABASE_URL server, dropped afterwards',
      ];
      return [{ id: 'refresh', title, rows, notes, skipped: null }];
    } finally {
      await sql.end();
      await unpreparedSql.end();
      await database.close();
    }
  } finally {
    await scratch.drop();
  }
}
