import { desc, eq, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { auditEvents, type AuditEvent } from '../schema/audit-events.js';
import { isUuid } from '../uuid.js';

export interface AuditRecordInput {
  /** What happened, e.g. `login.ok`, `login.failed`, `refresh.reuse`, `session.revoked`. */
  type: string;
  userId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Structured context. Never put a token, password or cookie here. */
  detail?: Record<string, unknown> | null;
  now: Date;
}

/** The append-only trail of auth events. */
export interface AuditRepository {
  record(input: AuditRecordInput): Promise<AuditEvent>;
  /** The user's events, newest first, at most `limit`. */
  listForUser(userId: string, options: { limit: number }): Promise<AuditEvent[]>;
}

/** Builds the audit repository; both statements are prepared, as every auth request writes an event. */
export function createAuditRepository(orm: LatchkeyOrm): AuditRepository {
  const insertEvent = orm
    .insert(auditEvents)
    .values({
      type: sql.placeholder('type'),
      userId: sql.placeholder('userId'),
      sessionId: sql.placeholder('sessionId'),
      ip: sql.placeholder('ip'),
      userAgent: sql.placeholder('userAgent'),
      detail: sql.placeholder('detail'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning()
    .prepare('audit_insert');

  const listForUser = orm
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.userId, sql.placeholder('userId')))
    // The id breaks ties between events written in the same millisecond.
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(sql.placeholder('limit'))
    .prepare('audit_list_for_user');

  return {
    async record(input) {
      const [event] = await insertEvent.execute({
        type: input.type,
        userId: input.userId ?? null,
        sessionId: input.sessionId ?? null,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        detail: input.detail ?? null,
        createdAt: input.now,
      });
      if (event === undefined) throw new Error('INSERT ... RETURNING returned no audit row');
      return event;
    },

    async listForUser(userId, { limit }) {
      if (!isUuid(userId)) return [];
      return listForUser.execute({ userId, limit });
    },
  };
}
