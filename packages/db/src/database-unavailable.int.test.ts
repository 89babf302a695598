import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from './client.js';
import { isDatabaseUnavailableError } from './database-unavailable.js';
import { createTestDatabase } from './testing/index.js';

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('isDatabaseUnavailableError', () => {
  it('recognises a query on a closed embedded database', async () => {
    const database = await createDb({});
    await database.close();
    const error = await failureOf(() => database.orm.execute(sql`select 1`));
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it('recognises a refused PostgreSQL connection', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const database = await createDb({ url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const error = await failureOf(() => database.orm.execute(sql`select 1`));
      expect(isDatabaseUnavailableError(error)).toBe(true);
    } finally {
      await database.close().catch(() => undefined);
    }
  });

  it('recognises a server shutting down by its SQLSTATE, anywhere in the cause chain', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(isDatabaseUnavailableError(new Error('Failed query', { cause: shutdown }))).toBe(true);
  });

  it('does not mistake a failed statement for an unreachable database', async () => {
    const testDatabase = await createTestDatabase();
    const { database } = testDatabase;
    try {
      const syntax = await failureOf(() => database.orm.execute(sql`select from nowhere_at_all`));
      const constraint = await failureOf(() =>
        database.orm.execute(sql`insert into users (username, password_hash) values ('', 'x')`),
      );
      expect(isDatabaseUnavailableError(syntax)).toBe(false);
      expect(isDatabaseUnavailableError(constraint)).toBe(false);
      expect(isDatabaseUnavailableError(new Error('PGlite is closing soon'))).toBe(false);
      expect(isDatabaseUnavailableError(null)).toBe(false);
    } finally {
      await testDatabase.dispose();
    }
  });
});
