// Small builders shared by this package's own integration tests.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';

/** The fixed instant tests count from; every repository call receives its clock from the test. */
export const T0 = new Date('2026-03-01T12:00:00.000Z');

/** `T0` plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A fresh refresh-token hash (SHA-256 hex of 256 random bits), as @latchkey/auth produces. */
export function tokenHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/** Stands in for @latchkey/auth's sealSuccessor output: this package only stores and returns it. */
export function sealed(label: string): string {
  return `sealed:${label}`;
}

/**
 * The message of the database error under Drizzle's "Failed query" wrapper (PGlite and postgres.js both
 * name the violated constraint there).
 */
export async function databaseErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error.cause instanceof Error ? error.cause.message : error.message;
    throw error;
  }
  throw new Error('expected the statement to fail, and it succeeded');
}

/**
 * How many connections to the current PostgreSQL database are waiting for a lock: how a test knows a
 * statement it started is blocked behind its own open transaction, without sleeping.
 */
export async function lockWaiters(orm: LatchkeyOrm): Promise<number> {
  const [row] = await orm
    .select({ waiting: sql<number>`count(*)::int` })
    .from(sql`pg_stat_activity`)
    .where(sql`datname = current_database() and wait_event_type = 'Lock'`);
  return row?.waiting ?? 0;
}
