import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sessions } from './sessions.js';

/**
 * One row per refresh token ever issued for a session, stored only as its SHA-256 hash (the token itself is
 * 256 random bits, so a plain hash is enough; no salt or slow hash is needed). Keeping every rotated row,
 * as Supabase does, means a replay of ANY earlier token of the chain is recognised as reuse (RFC 9700
 * section 4.14.2), not only the immediately previous one.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    // Null while this is the session's current token.
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    // The token that replaced this one: lets a racing duplicate refresh inside the grace window tell
    // whether its successor is still current.
    successorHash: text('successor_hash'),
    // The successor token encrypted under this (presented) token, handed back to a racing duplicate
    // refresh within the grace window. Only a holder of this token can open it.
    successorSealed: text('successor_sealed'),
  },
  (table) => [
    index('refresh_tokens_session_id_idx').on(table.sessionId),
    // At most one current token per session, enforced by the database even if the code were wrong.
    uniqueIndex('refresh_tokens_one_current_per_session')
      .on(table.sessionId)
      .where(sql`${table.rotatedAt} is null`),
    check('refresh_tokens_hash_is_sha256_hex', sql`${table.tokenHash} ~ '^[0-9a-f]{64}$'`),
    check(
      'refresh_tokens_rotation_complete',
      sql`(${table.rotatedAt} is null) = (${table.successorHash} is null) and (${table.rotatedAt} is null) = (${table.successorSealed} is null)`,
    ),
  ],
);

export type RefreshToken = typeof refreshTokens.$inferSelect;
export type NewRefreshToken = typeof refreshTokens.$inferInsert;
