import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditEvents = pgTable(
  'audit_events',
  {
    // A sequence, not a uuid: it orders events written in the same millisecond.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    type: text('type').notNull(),
    // No foreign key on purpose: the trail outlives the account it describes and keeps naming it by its id
    // (random, never given to another account), so the events before a deletion stay attributable while the
    // account's name and data are gone (`users.deleteAccount`; SECURITY.md, "The account's life").
    userId: uuid('user_id'),
    // No foreign key on purpose: an audit write must never fail because a session row is gone.
    sessionId: uuid('session_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('audit_events_user_id_created_at_idx').on(table.userId, table.createdAt.desc()),
    check('audit_events_type_not_empty', sql`char_length(${table.type}) > 0`),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
