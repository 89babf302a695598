// Real statement failures on the test database (PGlite or PostgreSQL): the summary keeps the SQLSTATE and the
// schema names, and none of the values the statement carried, which the raw errors do hold.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './client.js';
import { databaseErrorSummary, isDatabaseError } from './database-error-summary.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Every string an error and its causes carry (messages, statement, parameters, detail), as one text. */
function everythingIn(error: unknown): string {
  const seen: unknown[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.includes(current)) {
    seen.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return seen
    .map((item) => {
      const fields = Object.fromEntries(
        Object.getOwnPropertyNames(item).map((name) => [name, (item as Record<string, unknown>)[name]]),
      );
      return JSON.stringify(fields, (key, value: unknown) => (key === 'cause' ? undefined : value));
    })
    .join('\n');
}

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(() => testDatabase.dispose());

const SECRET = 'secret-value-4711';

describe('databaseErrorSummary', () => {
  it('a unique violation: SQLSTATE, constraint and table, and not the duplicated value', async () => {
    const { orm } = testDatabase.database;
    await orm.execute(
      sql`insert into users (username, password_hash) values (${SECRET}, ${`$argon2id$${SECRET}`})`,
    );
    const error = await failureOf(() =>
      orm.execute(
        sql`insert into users (username, password_hash) values (${SECRET}, ${`$argon2id$${SECRET}`})`,
      ),
    );
    // The raw error does carry the values, in its message, its statement's parameters and the server's detail.
    expect(everythingIn(error)).toContain(SECRET);
    expect(isDatabaseError(error)).toBe(true);
    const summary = databaseErrorSummary(error);
    expect(summary).toEqual({ code: '23505', constraint: 'users_username_lower_key', table: 'users' });
    expect(JSON.stringify(summary)).not.toContain(SECRET);
  });

  it('a NOT NULL violation names the column; an invalid byte sequence (a NUL) only its SQLSTATE', async () => {
    const { orm } = testDatabase.database;
    const notNull = await failureOf(() =>
      orm.execute(sql`insert into users (username, password_hash) values (${SECRET}, null)`),
    );
    expect(databaseErrorSummary(notNull)).toEqual({
      code: '23502',
      table: 'users',
      column: 'password_hash',
    });
    const nul = await failureOf(() => orm.execute(sql`select ${`${SECRET}\u0000`}::text`));
    expect(isDatabaseError(nul)).toBe(true);
    const summary = databaseErrorSummary(nul);
    expect(Object.keys(summary)).toEqual(['code']);
    expect(summary.code).toMatch(/^22/);
  });

  it('an unreachable or closed database: the driver’s code', async () => {
    const closed = await createDb({});
    await closed.close();
    const onClosed = await failureOf(() => closed.orm.execute(sql`select ${SECRET}`));
    expect(isDatabaseError(onClosed)).toBe(true);
    expect(databaseErrorSummary(onClosed)).toEqual({ code: 'PGLITE_CLOSED' });

    const refused = await createDb({ url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const error = await failureOf(() => refused.orm.execute(sql`select ${SECRET}`));
      expect(isDatabaseError(error)).toBe(true);
      expect(databaseErrorSummary(error)).toEqual({ code: 'ECONNREFUSED' });
    } finally {
      await refused.close().catch(() => undefined);
    }
  });

  it('an error from elsewhere is not a database error', () => {
    expect(isDatabaseError(new TypeError('x is not a function'))).toBe(false);
    expect(isDatabaseError(new Error('outer', { cause: new RangeError('inner') }))).toBe(false);
    expect(isDatabaseError(null)).toBe(false);
    expect(databaseErrorSummary(new Error('plain'))).toEqual({});
  });
});
