import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { refreshTokens, type RefreshToken } from '../schema/refresh-tokens.js';
import { sessions, type Session } from '../schema/sessions.js';
import { users, type User } from '../schema/users.js';
import {
  prepareForTransactions,
  tableRowDecoder,
  type TransactionStatement,
} from './transaction-statement.js';

/**
 * The statements of `sessions.rotateRefreshToken`, built once and prepared per connection. Timestamps are
 * bound as ISO strings and cast (`::timestamptz`): placeholders outside `values()` skip the column encoder.
 */
export interface RotationStatements {
  /** The session (with its user) that issued `presentedHash`, locked `FOR UPDATE`. */
  lockSession: TransactionStatement<{ session: Session; user: User }>;
  /** The refresh-token row of `tokenHash`. */
  readToken: TransactionStatement<RefreshToken>;
  /** Revokes `sessionId` with `reason` at `now`. */
  revokeForReuse: TransactionStatement<never>;
  /**
   * The three writes of a rotation in one statement: marks `presentedHash` rotated (`successorHash`,
   * `successorSealed`), inserts `nextHash` as current, slides the session to `now` / `expiresAt` and records
   * `ip` as its last-used address. Returns
   * the slid session, or no row when the presented token was not current (nothing is written then).
   */
  rotate: TransactionStatement<Session>;
}

/** Builds the rotation's SQL once, with placeholders; {@link RotationStatements} runs it on a transaction. */
export function buildRotationStatements(orm: LatchkeyOrm): RotationStatements {
  const sessionColumns = tableRowDecoder(sessions);
  const userColumns = tableRowDecoder(users);
  const tokenColumns = tableRowDecoder(refreshTokens);
  const now = sql`${sql.placeholder('now')}::timestamptz`;

  const lockSession = orm
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      inArray(
        sessions.id,
        orm
          .select({ sessionId: refreshTokens.sessionId })
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, sql.placeholder('presentedHash'))),
      ),
    )
    .for('update', { of: sessions })
    .toSQL();

  const readToken = orm
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sql.placeholder('tokenHash')))
    .toSQL();

  const revokeForReuse = orm
    .update(sessions)
    .set({ revokedAt: now, revokedReason: sql`${sql.placeholder('reason')}` })
    .where(eq(sessions.id, sql.placeholder('sessionId')))
    .toSQL();

  // Each step reads the one before, which fixes their order: the presented token is marked rotated first,
  // so the next one can become current without breaking "one current token per session" (a unique index,
  // checked row by row); the next token is inserted from the rotated row; the session slides only if that
  // insert happened. All steps see one snapshot, which is enough: the caller holds the session's row lock,
  // and only a rotation holding it writes the session's tokens.
  const rotatedToken = orm.$with('rotated_token').as(
    orm
      .update(refreshTokens)
      .set({
        rotatedAt: now,
        successorHash: sql`${sql.placeholder('nextHash')}`,
        successorSealed: sql`${sql.placeholder('successorSealed')}`,
      })
      .where(
        and(eq(refreshTokens.tokenHash, sql.placeholder('presentedHash')), isNull(refreshTokens.rotatedAt)),
      )
      .returning({ sessionId: refreshTokens.sessionId }),
  );
  const nextToken = orm.$with('next_token').as(
    orm
      .insert(refreshTokens)
      // Every column, in table order (what Drizzle's insert-select writes): the next token is current.
      .select(
        sql`select ${sql.placeholder('nextHash')}, ${rotatedToken.sessionId}, ${now}, null, null, null from ${rotatedToken}`,
      )
      .returning({ sessionId: refreshTokens.sessionId }),
  );
  const rotate = orm
    .with(rotatedToken, nextToken)
    .update(sessions)
    .set({
      lastUsedAt: now,
      lastUsedIp: sql`${sql.placeholder('ip')}`,
      expiresAt: sql`${sql.placeholder('expiresAt')}::timestamptz`,
    })
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        inArray(sessions.id, orm.select({ sessionId: nextToken.sessionId }).from(nextToken)),
      ),
    )
    .returning()
    .toSQL();

  return {
    lockSession: prepareForTransactions('sessions_rotate_lock', lockSession, (row) => ({
      session: sessionColumns.decode(row, 0),
      user: userColumns.decode(row, sessionColumns.width),
    })),
    readToken: prepareForTransactions('sessions_rotate_read_token', readToken, (row) =>
      tokenColumns.decode(row, 0),
    ),
    revokeForReuse: prepareForTransactions('sessions_rotate_revoke_reuse', revokeForReuse, () => {
      throw new Error('the reuse revocation returns no rows');
    }),
    rotate: prepareForTransactions('sessions_rotate_write', rotate, (row) => sessionColumns.decode(row, 0)),
  };
}
