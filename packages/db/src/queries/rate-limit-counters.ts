// Two login counters moved in one statement, in the rows rate-limiter-flexible's RateLimiterDrizzle keeps
// (rate-limiter-flexible 11.4, lib/RateLimiterDrizzle.js `_upsert`): `key` is `<keyPrefix>:<key>`, `points` the
// points consumed, `expire` when they reset. An upsert adds the points, or starts again from them with a new
// `expire` once the old one has passed, exactly as the library's does, so the library's own `get`, `delete`
// and hourly clean-up keep working on these rows. rate-limit-counters.int.test.ts checks both ways against
// the library, and fails if an upgrade changes the row format.
import { sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { rateLimits } from '../schema/rate-limits.js';

export interface CounterMove {
  /** The full key, prefix included (`login_address:192.0.2.0`). */
  key: string;
  /** The counter's window: a counter that starts (again) expires this long after `now`. */
  durationMs: number;
}

export interface CounterState {
  /** Points consumed in the current window, this move included. */
  points: number;
  /** When the window ends; null for a counter without one. */
  expire: Date | null;
}

export interface RateLimitCounters {
  /**
   * Adds one point to `first`, and one to `second` only when `first` is still within `firstLimit` points
   * after it: a caller refused by the first counter cannot spend the second (a spent address cannot go on
   * locking accounts). One statement, so both moves commit together; `second` is null when it was not moved.
   */
  consumeChained(input: {
    first: CounterMove;
    firstLimit: number;
    second: CounterMove;
    now: Date;
  }): Promise<{ first: CounterState; second: CounterState | null }>;
}

// A raw statement's rows skip Drizzle's column decoders: the driver's own types, which differ between the two.
interface CounterRow {
  counter: string;
  points: number | string;
  expire: string | Date | null;
}

/** Rows of `orm.execute`: postgres.js answers an array, PGlite an object with `rows`. */
function rowsOf(result: unknown): CounterRow[] {
  if (Array.isArray(result)) return result as CounterRow[];
  return (result as { rows: CounterRow[] }).rows;
}

function stateOf(row: CounterRow | undefined): CounterState | null {
  if (row === undefined) return null;
  return { points: Number(row.points), expire: row.expire === null ? null : new Date(row.expire) };
}

export function createRateLimitCounters(orm: LatchkeyOrm): RateLimitCounters {
  return {
    async consumeChained({ first, firstLimit, second, now }) {
      const at = now.toISOString();
      const firstExpire = new Date(now.getTime() + first.durationMs).toISOString();
      const secondExpire = new Date(now.getTime() + second.durationMs).toISOString();
      const upsert = (expire: string) => sql`
        on conflict (${sql.identifier(rateLimits.key.name)}) do update set
          points = case when ${rateLimits.expire} <= ${at}::timestamptz then 1 else ${rateLimits.points} + 1 end,
          expire = case when ${rateLimits.expire} <= ${at}::timestamptz then ${expire}::timestamptz
                   else ${rateLimits.expire} end
        returning points, expire`;
      const result = await orm.execute(sql`
        with first_counter as (
          insert into ${rateLimits} (key, points, expire) values (${first.key}, 1, ${firstExpire}::timestamptz)
          ${upsert(firstExpire)}
        ), second_counter as (
          insert into ${rateLimits} (key, points, expire)
          select ${second.key}, 1, ${secondExpire}::timestamptz from first_counter
          where first_counter.points <= ${firstLimit}
          ${upsert(secondExpire)}
        )
        select 'first' as counter, points, expire from first_counter
        union all
        select 'second' as counter, points, expire from second_counter`);
      const rows = rowsOf(result);
      const firstState = stateOf(rows.find((row) => row.counter === 'first'));
      if (firstState === null) throw new Error('the counter upsert returned no row');
      return { first: firstState, second: stateOf(rows.find((row) => row.counter === 'second')) };
    },
  };
}
