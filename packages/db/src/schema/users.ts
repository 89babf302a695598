import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { xid8 } from './xid8.js';

/** The roles a user can hold; `admin` unlocks the admin procedures. */
export const userRoles = ['user', 'admin'] as const;
export type UserRole = (typeof userRoles)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored as typed (for display); uniqueness and look-ups go through lower(username).
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: userRoles }).notNull().default('user'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // When the password last changed (a rehash on login leaves it as it is). A record, not a check: nothing
    // compares tokens or sessions with it. A change instead revokes the other sessions in the same transaction
    // (`changePassword` in queries/users.ts), and the revocation is what ends their tokens.
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    // The transaction that last wrote the row, set by the trigger `users_set_changed_xid` (migration 0005) on
    // every insert and update, whoever writes it. API instances keep an in-memory user cache
    // (apps/api/src/user-cache/) and poll it by this id, up to the oldest transaction still running, for
    // changes whose notification was lost, as they poll revocations by `sessions.revoked_xid`.
    changedXid: xid8('changed_xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    // The account's email address, stored only once its owner proved they read it (a signup or a change with
    // an address waits in email_tokens until the link is followed), so an unverified claim never blocks the
    // real owner and never receives a reset link. Normalised by the API before it gets here (apps/api
    // src/services/email-address.ts: trimmed, NFC, lower-case), so one unique index on the column is the
    // case-insensitive uniqueness.
    email: text('email'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
  },
  (table) => [
    // Case-insensitive uniqueness: "Ada" and "ada" are one account, so one name cannot pass for another.
    // An expression index rather than citext, so the embedded database needs no extension.
    uniqueIndex('users_username_lower_key').on(sql`lower(${table.username})`),
    // Changes polled by transaction id (see changedXid).
    index('users_changed_xid_idx').on(table.changedXid),
    uniqueIndex('users_email_key').on(table.email),
    check(
      'users_email_verified_with_email',
      sql`(${table.email} is null) = (${table.emailVerifiedAt} is null)`,
    ),
    check('users_role_check', sql`${table.role} in ('user', 'admin')`),
    check('users_username_not_empty', sql`char_length(${table.username}) > 0`),
    check('users_password_hash_not_empty', sql`char_length(${table.passwordHash}) > 0`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
