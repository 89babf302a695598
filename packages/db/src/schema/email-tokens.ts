import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** What an emailed link does: prove an address (then store it on the user), or set a new password. */
export const emailTokenPurposes = ['verify-email', 'reset-password'] as const;
export type EmailTokenPurpose = (typeof emailTokenPurposes)[number];

/**
 * The tokens of emailed links, stored only as SHA-256 hex (256 random bits: a fast hash is enough, as for
 * refresh tokens). One row per user and purpose: issuing a new token replaces the old row, so only the newest
 * link works; using one deletes its row, so it works once.
 */
export const emailTokens = pgTable(
  'email_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: emailTokenPurposes }).notNull(),
    // The address the link was sent to: for `verify-email` the one it proves (a new address waits here until
    // then); for `reset-password` the user's address at the time, which must still be theirs when it is used.
    email: text('email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('email_tokens_user_purpose_key').on(table.userId, table.purpose),
    // Expired rows are deleted by the next issue for the same user; this index lets a sweep find the rest.
    index('email_tokens_expires_at_idx').on(table.expiresAt),
    check('email_tokens_hash_is_sha256_hex', sql`${table.tokenHash} ~ '^[0-9a-f]{64}$'`),
    check('email_tokens_purpose_check', sql`${table.purpose} in ('verify-email', 'reset-password')`),
    check('email_tokens_expires_after_created', sql`${table.expiresAt} > ${table.createdAt}`),
  ],
);

export type EmailToken = typeof emailTokens.$inferSelect;
