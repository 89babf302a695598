import { and, desc, eq, gt, gte, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { auditEvents } from '../schema/audit-events.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { sessions, type Session, type SessionEndReason } from '../schema/sessions.js';
import { users, type User } from '../schema/users.js';
import { isUuid } from '../uuid.js';
import { buildRotationStatements } from './refresh-rotation-statements.js';
import { REFRESH_REUSE_REASON, type RefreshRotation } from './refresh-rotation.js';
import { prepareForTransactions } from './transaction-statement.js';

export interface NewSessionInput {
  userId: string;
  /** SHA-256 hex of the first refresh token; the token itself is never stored. */
  refreshTokenHash: string;
  userAgent: string | null;
  ip: string | null;
  now: Date;
  /** Sliding lifetime: the session expires this long after its last refresh. */
  idleTtlSeconds: number;
  /** Hard cap from `now`, never extended by refreshes. */
  absoluteTtlSeconds: number;
  /** When the user proved their password (the login time; kept across refreshes for fresh-login checks). */
  authTime: Date;
}

export interface NewVerifiedSessionInput extends NewSessionInput {
  /** The stored hash the caller just checked the password against: the user row as the login saw it. */
  verifiedPasswordHash: string;
  /**
   * The audit event of the login, written in the same transaction (with the user, the new session, `ip`,
   * `userAgent` and `now`): the session and its record commit together or not at all, in one round of writes.
   */
  audit?: { type: string; detail?: Record<string, unknown> | null };
}

export interface RotateRefreshTokenInput {
  presentedHash: string;
  /** Hash of the token that becomes current if the presented one is. */
  nextHash: string;
  /** The next token sealed under the presented one; stored for duplicates arriving within the grace window. */
  successorSealed: string;
  now: Date;
  /** How long after a rotation a duplicate of the old token still gets the successor instead of `reuse`. */
  graceSeconds: number;
  idleTtlSeconds: number;
  /** The caller's client address, kept as the session's `lastUsedIp` when the token rotates. */
  ip: string | null;
}

export interface SessionWithUser {
  session: Session;
  user: User;
}

export interface SessionOwner {
  sessionId: string;
  userId: string;
}

export interface RevokedSession {
  sessionId: string;
  revokedAt: Date;
}

/**
 * Where a reader of revocations stands: a 64-bit transaction id (decimal text) such that every transaction
 * below it had ended when it was taken. Opaque to callers: pass back what {@link SessionsRepository.readRevocations}
 * returned.
 */
export type RevocationCursor = string;

export interface RevocationBatch {
  revoked: RevokedSession[];
  /** Pass to the next `readRevocations` call. */
  cursor: RevocationCursor;
}

/** Sessions and their refresh-token chains: login, rotation with reuse detection, revocation. */
export interface SessionsRepository {
  /**
   * Creates the session and its first refresh-token row in one transaction, whatever the user row says now:
   * for fixtures and tools. A login uses {@link SessionsRepository.createForVerifiedUser}.
   */
  create(input: NewSessionInput): Promise<Session>;
  /**
   * Creates the session and its first refresh-token row only while the user is not disabled and its password
   * hash is still `verifiedPasswordHash`; null otherwise (nothing is written). The transaction holds the user
   * row `FOR SHARE` until it commits, so a password change or a disable (an `UPDATE users` that then revokes
   * the user's sessions in the same transaction) either commits first, and this sees it, or waits for this
   * commit and then revokes the new session with the others.
   */
  createForVerifiedUser(input: NewVerifiedSessionInput): Promise<Session | null>;
  /** Rotates a refresh token in one transaction that locks the session row; see {@link RefreshRotation}. */
  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RefreshRotation>;
  /** The session and its user when the session is not revoked, not expired and the user not disabled. */
  findActiveById(id: string, now: Date): Promise<SessionWithUser | null>;
  /** The user's sessions that are not revoked and not expired, most recently used first. */
  listActiveForUser(userId: string, now: Date): Promise<Session[]>;
  /**
   * The user's sessions that were revoked (by any path; `revokedReason` says which), most recently ended
   * first, at most `limit`. Sessions that only expired are not among them.
   */
  listEndedForUser(userId: string, options: { limit: number }): Promise<Session[]>;
  /** Revokes the session only if it belongs to `userId` and is not revoked yet; true when this call revoked it. */
  revoke(input: { sessionId: string; userId: string; reason: SessionEndReason; now: Date }): Promise<boolean>;
  /**
   * Revokes the session that issued the token with this hash (current or any earlier one of its chain),
   * if it is not revoked yet. Null when the hash is unknown or the session was already revoked.
   */
  revokeByRefreshHash(hash: string, reason: SessionEndReason, now: Date): Promise<SessionOwner | null>;
  /**
   * The session that issued the token with this hash (current or any earlier one of its chain) and its user,
   * revoked or not; null when the hash is unknown. Lets a caller tell whose session a presented token names.
   */
  findOwnerByRefreshHash(hash: string): Promise<SessionOwner | null>;
  /** Revokes every not-yet-revoked session of the user (but `exceptSessionId`); returns their ids. */
  revokeAllForUser(input: {
    userId: string;
    reason: SessionEndReason;
    now: Date;
    exceptSessionId?: string;
  }): Promise<string[]>;
  /**
   * Revocations an API instance has not read yet. `{ revokedSince }` at start-up: sessions revoked at or after
   * that instant, oldest first. `{ cursor }` afterwards: every revocation committed since the call that
   * returned that cursor, in no particular order, possibly with some read before (adding one twice is
   * harmless). The cursor never goes past a transaction still running, so a revocation whose transaction
   * commits late, or was stamped by a clock that is behind, is read by the first call after its commit.
   *
   * @example
   * let { revoked, cursor } = await sessions.readRevocations({ revokedSince: windowStart });
   * // later, and again and again:
   * ({ revoked, cursor } = await sessions.readRevocations({ cursor }));
   */
  readRevocations(from: { revokedSince: Date } | { cursor: RevocationCursor }): Promise<RevocationBatch>;
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

// Placeholders compared in WHERE clauses are not run through the column's encoder by Drizzle, and its
// postgres.js driver passes timestamps through untouched, so time placeholders are bound as ISO strings.
function timestamp(date: Date): string {
  return date.toISOString();
}

/** Builds the sessions repository; the per-request look-ups are prepared once here. */
export function createSessionsRepository(orm: LatchkeyOrm): SessionsRepository {
  const liveAt = (now: ReturnType<typeof sql.placeholder>) =>
    and(
      isNull(sessions.revokedAt),
      gt(sessions.expiresAt, sql`${now}::timestamptz`),
      gt(sessions.absoluteExpiresAt, sql`${now}::timestamptz`),
    );

  const findActiveById = orm
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.id, sql.placeholder('id')), liveAt(sql.placeholder('now')), isNull(users.disabledAt)),
    )
    .limit(1)
    .prepare('sessions_find_active_by_id');

  const listActiveForUser = orm
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, sql.placeholder('userId')), liveAt(sql.placeholder('now'))))
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.id))
    .prepare('sessions_list_active_for_user');

  const listEndedForUser = orm
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, sql.placeholder('userId')), isNotNull(sessions.revokedAt)))
    // Written as sessions_user_id_ended_idx is, so the newest few are read from the index.
    .orderBy(sql`${sessions.revokedAt} desc nulls last`, desc(sessions.id))
    .limit(sql.placeholder('limit'))
    .prepare('sessions_list_ended_for_user');

  const listRevokedSince = orm
    .select({ sessionId: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(gte(sessions.revokedAt, sql`${sql.placeholder('since')}::timestamptz`))
    .orderBy(sessions.revokedAt)
    .prepare('sessions_list_revoked_since');

  // The oldest transaction still running, cluster-wide: every transaction below it has committed or aborted.
  const revocationCursor = orm
    .select({ cursor: sql<string>`pg_snapshot_xmin(snapshot)::text` })
    .from(sql`pg_current_snapshot() as snapshot`)
    .prepare('sessions_revocation_cursor');

  const listRevokedSinceCursor = orm
    .select({ sessionId: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(gte(sessions.revokedXid, sql`${sql.placeholder('cursor')}::xid8`))
    .prepare('sessions_list_revoked_since_cursor');

  const rotation = buildRotationStatements(orm);

  // Read committed re-evaluates these conditions on the newest committed row when it had to wait for a
  // concurrent update, so a change that commits while this waits makes it return no row.
  const lockVerifiedUser = prepareForTransactions(
    'sessions_create_lock_user',
    orm
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.id, sql.placeholder('userId')),
          eq(users.passwordHash, sql.placeholder('passwordHash')),
          isNull(users.disabledAt),
        ),
      )
      .for('share')
      .toSQL(),
    (row) => ({ id: String(row[0]) }),
  );

  async function insertSession(tx: LatchkeyOrm, input: NewSessionInput): Promise<Session> {
    const expiresAt = earliest(
      addSeconds(input.now, input.idleTtlSeconds),
      addSeconds(input.now, input.absoluteTtlSeconds),
    );
    const [session] = await tx
      .insert(sessions)
      .values({
        userId: input.userId,
        createdAt: input.now,
        lastUsedAt: input.now,
        expiresAt,
        absoluteExpiresAt: addSeconds(input.now, input.absoluteTtlSeconds),
        authTime: input.authTime,
        userAgent: input.userAgent,
        ip: input.ip,
        lastUsedIp: input.ip,
      })
      .returning();
    if (session === undefined) throw new Error('INSERT ... RETURNING returned no session row');
    await tx.insert(refreshTokens).values({
      tokenHash: input.refreshTokenHash,
      sessionId: session.id,
      createdAt: input.now,
    });
    return session;
  }

  return {
    async create(input) {
      return orm.transaction((tx) => insertSession(tx, input));
    },

    async createForVerifiedUser(input) {
      if (!isUuid(input.userId)) return null;
      const { verifiedPasswordHash, audit, ...session } = input;
      return orm.transaction(async (tx) => {
        const [seen] = await lockVerifiedUser.execute(tx, {
          userId: input.userId,
          passwordHash: verifiedPasswordHash,
        });
        if (seen === undefined) return null;
        const created = await insertSession(tx, session);
        if (audit !== undefined) {
          await tx.insert(auditEvents).values({
            type: audit.type,
            userId: input.userId,
            sessionId: created.id,
            ip: input.ip,
            userAgent: input.userAgent,
            detail: audit.detail ?? null,
            createdAt: input.now,
          });
        }
        return created;
      });
    },

    async rotateRefreshToken(input) {
      const { presentedHash, nextHash, successorSealed, now } = input;
      return orm.transaction(async (tx): Promise<RefreshRotation> => {
        // Lock the session first: concurrent refreshes of one chain queue here and each sees what the
        // previous one committed. The token row is read only after the lock, so that read is current.
        const [locked] = await rotation.lockSession.execute(tx, { presentedHash });
        if (locked === undefined) return { kind: 'unknown' };
        const { session, user } = locked;
        const owner = { sessionId: session.id, userId: user.id };

        const [presented] = await rotation.readToken.execute(tx, { tokenHash: presentedHash });
        if (presented === undefined) return { kind: 'unknown' };

        if (session.revokedAt !== null || user.disabledAt !== null) return { kind: 'revoked', ...owner };
        if (now >= session.expiresAt || now >= session.absoluteExpiresAt)
          return { kind: 'expired', ...owner };

        if (presented.rotatedAt !== null) {
          const withinGrace = now.getTime() - presented.rotatedAt.getTime() <= input.graceSeconds * 1000;
          if (withinGrace && presented.successorHash !== null && presented.successorSealed !== null) {
            const [successor] = await rotation.readToken.execute(tx, { tokenHash: presented.successorHash });
            if (successor?.rotatedAt === null) {
              return { kind: 'grace', session, user, successorSealed: presented.successorSealed };
            }
          }
          await rotation.revokeForReuse.execute(tx, {
            sessionId: session.id,
            now: timestamp(now),
            reason: REFRESH_REUSE_REASON,
          });
          return { kind: 'reuse', ...owner };
        }

        const [slid] = await rotation.rotate.execute(tx, {
          presentedHash,
          nextHash,
          successorSealed,
          sessionId: session.id,
          now: timestamp(now),
          ip: input.ip,
          expiresAt: timestamp(earliest(addSeconds(now, input.idleTtlSeconds), session.absoluteExpiresAt)),
        });
        if (slid === undefined)
          throw new Error('rotation lost the locked session row or its presented token');
        return { kind: 'rotated', session: slid, user };
      });
    },

    async findActiveById(id, now) {
      if (!isUuid(id)) return null;
      const [row] = await findActiveById.execute({ id, now: timestamp(now) });
      return row ?? null;
    },

    async listActiveForUser(userId, now) {
      if (!isUuid(userId)) return [];
      return listActiveForUser.execute({ userId, now: timestamp(now) });
    },

    async listEndedForUser(userId, { limit }) {
      if (!isUuid(userId)) return [];
      return listEndedForUser.execute({ userId, limit });
    },

    async revoke({ sessionId, userId, reason, now }) {
      if (!isUuid(sessionId) || !isUuid(userId)) return false;
      const revoked = await orm
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      return revoked.length === 1;
    },

    async revokeByRefreshHash(hash, reason, now) {
      const [revoked] = await orm
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(
          and(
            inArray(
              sessions.id,
              orm
                .select({ sessionId: refreshTokens.sessionId })
                .from(refreshTokens)
                .where(eq(refreshTokens.tokenHash, hash)),
            ),
            isNull(sessions.revokedAt),
          ),
        )
        .returning({ sessionId: sessions.id, userId: sessions.userId });
      return revoked ?? null;
    },

    async findOwnerByRefreshHash(hash) {
      const [owner] = await orm
        .select({ sessionId: sessions.id, userId: sessions.userId })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, hash));
      return owner ?? null;
    },

    async revokeAllForUser({ userId, reason, now, exceptSessionId }) {
      if (!isUuid(userId)) return [];
      const keep =
        exceptSessionId !== undefined && isUuid(exceptSessionId)
          ? ne(sessions.id, exceptSessionId)
          : undefined;
      const revoked = await orm
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep))
        .returning({ id: sessions.id });
      return revoked.map((row) => row.id);
    },

    async readRevocations(from) {
      // The cursor first, the rows second: every transaction below the new cursor had ended before the rows
      // are read, so its revocation is among them (or was among an earlier call's). Transactions from the
      // new cursor on are read again next time, whether they had committed by now or not.
      const [position] = await revocationCursor.execute();
      if (position === undefined) throw new Error('pg_current_snapshot() returned no row');
      const rows =
        'cursor' in from
          ? await listRevokedSinceCursor.execute({ cursor: parseCursor(from.cursor) })
          : await listRevokedSince.execute({ since: timestamp(from.revokedSince) });
      // The WHERE clauses exclude null, which the column type cannot know.
      const revoked = rows.flatMap((row) =>
        row.revokedAt === null ? [] : [{ sessionId: row.sessionId, revokedAt: row.revokedAt }],
      );
      return { revoked, cursor: position.cursor };
    },
  };
}

/** A cursor is what `readRevocations` returned; anything else is a caller's bug, not a database error. */
function parseCursor(cursor: string): string {
  if (!/^\d{1,20}$/.test(cursor)) throw new TypeError('not a revocation cursor');
  return cursor;
}
