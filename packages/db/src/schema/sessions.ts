import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { xid8 } from './xid8.js';

/**
 * Why a session ended, in `revoked_reason`. Every path that revokes names one, and the database refuses
 * any other (check `sessions_revoked_reason_known`), so the sessions page can say in words why each ended.
 */
export const sessionEndReasons = [
  'logout',
  'logout-all',
  'revoked-by-user',
  'revoked-by-admin',
  'password-changed',
  'password-reset',
  'refresh-reuse',
  'user-disabled',
  'account-deleted',
] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

// Literals in the DDL: a check constraint cannot take bound parameters. The values are the constants above.
const quotedEndReasons = sessionEndReasons.map((reason) => `'${reason}'`).join(', ');

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // No foreign key on purpose: a deleted account's sessions stay as revoked rows without address or agent
    // (`users.deleteAccount`), because every API instance learns revocations by reading this table (the
    // start-up window and the poll of revocation-service.ts), and a row deleted with its account would never
    // reach an instance that missed the notification. A session is only ever created under a lock on its
    // user row (`createForVerifiedUser`), so no session names an account that is gone at its creation.
    userId: uuid('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull(),
    // Sliding idle expiry: every rotation moves it to min(now + idle TTL, absolute_expires_at).
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    // Hard cap from login, never extended (RFC 9700 section 4.14.2: refresh tokens must expire).
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
    // When the user last proved their password; "fresh login" checks read it.
    authTime: timestamp('auth_time', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason', { enum: sessionEndReasons }),
    // The transaction that revoked the session, set by the trigger `sessions_set_revoked_xid` (migration
    // 0001) on every write that sets revoked_at, whoever writes it. API instances poll revocations by this id
    // up to the oldest transaction still running (`pg_snapshot_xmin`), so a revocation that commits late is
    // still read; a timestamp from the writer's clock could not promise that.
    revokedXid: xid8('revoked_xid'),
    userAgent: text('user_agent'),
    // The client address of the login that created the session; never changes.
    ip: text('ip'),
    // The client address of the latest rotation (the login's until the first one), written by the rotation's
    // own UPDATE (queries/refresh-rotation-statements.ts), so keeping it costs no round trip.
    lastUsedIp: text('last_used_ip'),
  },
  (table) => [
    // Live sessions of a user: the sessions page, logout-all, disable.
    index('sessions_user_id_live_idx')
      .on(table.userId)
      .where(sql`${table.revokedAt} is null`),
    // A user's ended sessions, most recent first: the sessions page.
    index('sessions_user_id_ended_idx')
      .on(table.userId, table.revokedAt.desc())
      .where(sql`${table.revokedAt} is not null`),
    // Recent revocations, loaded by each API instance at start-up into its in-memory revocation set.
    index('sessions_revoked_at_idx')
      .on(table.revokedAt)
      .where(sql`${table.revokedAt} is not null`),
    // Revocations polled by transaction id (see revokedXid).
    index('sessions_revoked_xid_idx')
      .on(table.revokedXid)
      .where(sql`${table.revokedXid} is not null`),
    check('sessions_expiry_within_absolute', sql`${table.expiresAt} <= ${table.absoluteExpiresAt}`),
    check('sessions_absolute_after_created', sql`${table.absoluteExpiresAt} >= ${table.createdAt}`),
    // A revocation always says why, and a reason never appears without one.
    check(
      'sessions_revoked_reason_with_revoked_at',
      sql`(${table.revokedAt} is null) = (${table.revokedReason} is null)`,
    ),
    check(
      'sessions_revoked_reason_known',
      sql`${table.revokedReason} is null or ${table.revokedReason} in (${sql.raw(quotedEndReasons)})`,
    ),
    check(
      'sessions_revoked_xid_with_revoked_at',
      sql`(${table.revokedAt} is null) = (${table.revokedXid} is null)`,
    ),
  ],
);

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
