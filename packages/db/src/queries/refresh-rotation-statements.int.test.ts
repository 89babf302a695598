import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../repositories.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { sessions, type Session } from '../schema/sessions.js';
import { users, type User } from '../schema/users.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../testing/index.js';
import { at, T0, tokenHash } from '../testing/fixtures.js';
import { buildRotationStatements, type RotationStatements } from './refresh-rotation-statements.js';
import { prepareForTransactions } from './transaction-statement.js';

let db: TestDatabase;
let repos: Repositories;
let statements: RotationStatements;
let ada: User;

beforeEach(async () => {
  db = await createTestDatabase();
  repos = createRepositories(db.database);
  statements = buildRotationStatements(db.database.orm);
  ada = (await repos.users.insert({ username: 'ada', passwordHash: 'h' }))!;
});
afterEach(() => db.dispose());

async function login(): Promise<{ session: Session; hash: string }> {
  const hash = tokenHash();
  const session = await repos.sessions.create({
    userId: ada.id,
    refreshTokenHash: hash,
    userAgent: 'vitest',
    ip: '192.0.2.1',
    now: T0,
    idleTtlSeconds: 3600,
    absoluteTtlSeconds: 4 * 3600,
    authTime: T0,
  });
  return { session, hash };
}

async function state(sessionId: string) {
  const orm = db.database.orm;
  return {
    session: (await orm.select().from(sessions).where(eq(sessions.id, sessionId)))[0],
    tokens: await orm
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.sessionId, sessionId))
      .orderBy(refreshTokens.createdAt, refreshTokens.tokenHash),
  };
}

function rotateValues(sessionId: string, presentedHash: string, nextHash: string) {
  return {
    presentedHash,
    nextHash,
    successorSealed: `sealed:${nextHash}`,
    sessionId,
    now: at(60).toISOString(),
    ip: '198.51.100.7',
    expiresAt: at(3660).toISOString(),
  };
}

describe('refresh-rotation statements', () => {
  it('decode the locked session and its user exactly as Drizzle reads the rows', async () => {
    const { session, hash } = await login();
    const [locked] = await db.database.orm.transaction((tx) =>
      statements.lockSession.execute(tx, { presentedHash: hash }),
    );
    const [user] = await db.database.orm.select().from(users).where(eq(users.id, ada.id));

    expect(locked).toEqual({ session, user });
    expect(locked?.session.createdAt).toBeInstanceOf(Date);
  });

  it('write nothing and return no row when the presented token is no longer current', async () => {
    const { session, hash } = await login();
    const next = tokenHash();
    const rotated = await repos.sessions.rotateRefreshToken({
      presentedHash: hash,
      nextHash: next,
      successorSealed: `sealed:${next}`,
      now: at(30),
      graceSeconds: 10,
      idleTtlSeconds: 3600,
      ip: '198.51.100.7',
    });
    expect(rotated.kind).toBe('rotated');
    const before = await state(session.id);

    const slid = await db.database.orm.transaction((tx) =>
      statements.rotate.execute(tx, rotateValues(session.id, hash, tokenHash())),
    );

    expect(slid).toEqual([]);
    expect(await state(session.id)).toEqual(before);
  });

  it('run on the transaction that calls them: its rollback undoes their writes', async () => {
    const { session, hash } = await login();
    const before = await state(session.id);

    const outcome = await db.database.orm
      .transaction(async (tx) => {
        const [slid] = await statements.rotate.execute(tx, rotateValues(session.id, hash, tokenHash()));
        expect(slid?.lastUsedAt).toEqual(at(60));
        throw new Error('roll back');
      })
      .catch((error: unknown) => (error instanceof Error ? error.message : 'not an Error'));

    expect(outcome).toBe('roll back');
    expect(await state(session.id)).toEqual(before);
  });

  it('are server-side prepared statements on PostgreSQL (PGlite has no statement cache to check)', async () => {
    const { hash } = await login();
    const prepared = await db.database.orm.transaction(async (tx) => {
      await statements.lockSession.execute(tx, { presentedHash: hash });
      await statements.readToken.execute(tx, { tokenHash: hash });
      // Read through the helper under test too: the driver-neutral way to get rows back from raw SQL.
      const listPrepared = prepareForTransactions(
        'test_list_prepared',
        db.database.orm
          .select({ statement: sql<string>`statement` })
          .from(sql`pg_prepared_statements`)
          .toSQL(),
        (row) => String(row[0]),
      );
      return listPrepared.execute(tx, {});
    });

    expect(prepared.some((text) => text.includes('for update of "sessions"'))).toBe(
      testDatabaseKind === 'postgres',
    );
    expect(prepared.some((text) => text.startsWith('select "token_hash"'))).toBe(
      testDatabaseKind === 'postgres',
    );
  });
});
