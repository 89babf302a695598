import { and, asc, eq, gt, gte, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { databaseErrorSummary } from '../database-error-summary.js';
import { emailTokens } from '../schema/email-tokens.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { sessions, type SessionEndReason } from '../schema/sessions.js';
import { users, type User, type UserRole } from '../schema/users.js';
import { isUuid } from '../uuid.js';

export interface NewUserInput {
  username: string;
  passwordHash: string;
  role?: UserRole;
}

export interface DisabledUser {
  user: User;
  /** Sessions that were live and are now revoked; the caller fans them out to every API instance. */
  revokedSessionIds: string[];
}

/** A password change as it happened: the user with the new hash, and the sessions it revoked. */
export interface ChangedPassword {
  user: User;
  /** Sessions that were live and are now revoked; the caller fans them out to every API instance. */
  revokedSessionIds: string[];
}

export interface ChangePasswordInput {
  userId: string;
  /** The stored hash the caller checked the current password against; the change happens only over it. */
  currentHash: string;
  newHash: string;
  /** Becomes `passwordChangedAt` and the revocation time. */
  now: Date;
  /** `revoked_reason` of the sessions it revokes. */
  reason: SessionEndReason;
  /** The session the change was made from, left live. */
  exceptSessionId?: string;
}

/** What the API's per-request user checks read (`auth.me`, the admin role): the row without its password hash. */
export type UserProfile = Pick<User, 'id' | 'username' | 'role' | 'disabledAt' | 'createdAt'>;

/**
 * Where a reader of user changes stands: a 64-bit transaction id (decimal text) such that every transaction
 * below it had ended when it was taken, as {@link RevocationCursor} for revocations. Opaque to callers.
 */
export type UserChangeCursor = string;

export interface UserChangeBatch {
  /** Users written (`users.changed_xid`) by a transaction at or after the cursor; possibly some read before. */
  userIds: string[];
  /** Pass to the next `readChangesSince` call. */
  cursor: UserChangeCursor;
}

export interface ResetPasswordInput {
  /** SHA-256 hex of the emailed reset token. */
  tokenHash: string;
  newHash: string;
  /** Becomes `passwordChangedAt` and the revocation time; the token must be unexpired at it. */
  now: Date;
  /** `revoked_reason` of every session it revokes. */
  reason: SessionEndReason;
}

/** What following a verification link did. */
export type EmailVerification =
  | { status: 'verified'; user: User; previousEmail: string | null }
  /** Unknown, used, replaced by a newer link, or expired; or the account is disabled. */
  | { status: 'invalid' }
  /** Another account proved this address first; nothing changed and the link is used up. */
  | { status: 'taken' };

const EMAIL_UNIQUE_INDEX = 'users_email_key';
export interface DeleteAccountInput {
  userId: string;
  /** The stored hash the caller checked the password against; the account is deleted only over it. */
  verifiedPasswordHash: string;
  /** The revocation time of its live sessions. */
  now: Date;
}

/** A deletion as it happened: the sessions that were live and are now revoked. */
export interface DeletedAccount {
  /** The caller fans them out to every API instance. */
  revokedSessionIds: string[];
}

/** Accounts: creation with case-insensitive unique names, look-ups, password hash, role and disabling. */
export interface UsersRepository {
  /** Creates the account, or returns null when the name is taken in any letter case (race-safe). */
  insert(input: NewUserInput): Promise<User | null>;
  /** Case-insensitive look-up. */
  findByUsername(username: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  /** The user's profile (no password hash), for the API's user cache; null when there is no such user. */
  findProfileById(id: string): Promise<UserProfile | null>;
  /** A cursor to read changes from: every user written from now on is in the next `readChangesSince`. */
  changeCursor(): Promise<UserChangeCursor>;
  /**
   * The users written since the call that returned `cursor`, whoever wrote them (the trigger of migration
   * 0005 stamps every insert and update). The cursor never passes a transaction still running, so a change
   * that commits late is read by the first call after its commit. Deleted users leave no row to find.
   *
   * @example
   * let cursor = await users.changeCursor();
   * // later, and again and again:
   * const batch = await users.readChangesSince(cursor);
   * cursor = batch.cursor;
   */
  readChangesSince(cursor: UserChangeCursor): Promise<UserChangeBatch>;
  /**
   * Stores a new hash whatever the stored one is: for tools and tests. Pass `changedAt` for a real password
   * change (it moves `passwordChangedAt`); omit it for a rehash of the same password. Requests use the
   * conditional {@link UsersRepository.rehashPassword} and {@link UsersRepository.changePassword}.
   */
  updatePasswordHash(id: string, passwordHash: string, options?: { changedAt?: Date }): Promise<User | null>;
  /**
   * Replaces `currentHash` by `newHash`, a hash of the same password with new argon2 parameters
   * (`passwordChangedAt` stays). Null when the stored hash is no longer `currentHash`: a change that committed
   * meanwhile is never overwritten with the old password.
   */
  rehashPassword(id: string, hashes: { currentHash: string; newHash: string }): Promise<User | null>;
  /**
   * Changes the password and revokes the user's other live sessions in one transaction, only while the
   * stored hash is still `currentHash` and the account is not disabled; null otherwise (nothing is written).
   * The `UPDATE users` comes first: a login holding the row `FOR SHARE` (sessions.createForVerifiedUser)
   * makes it wait, and the revocation that follows then sees the login's session.
   */
  changePassword(input: ChangePasswordInput): Promise<ChangedPassword | null>;
  /**
   * Uses a password-reset token: deletes it (so it works once, even when two resets race: the second finds no
   * row), sets the new hash and revokes EVERY live session of the account, in one transaction, only while the
   * account still has the address the link was sent to and is not disabled. Null when the token is unknown,
   * used, replaced or expired (nothing written), or the account changed (the token is used up, nothing else).
   * Like changePassword, the `UPDATE users` comes before the revocation, so a racing login is refused or revoked.
   */
  resetPassword(input: ResetPasswordInput): Promise<ChangedPassword | null>;
  /**
   * Uses a verification token: stores its address as the user's (verified now) in one transaction, deleting
   * the token. `taken` when another account holds the address (the unique index decides a race).
   */
  verifyEmail(input: { tokenHash: string; now: Date }): Promise<EmailVerification>;
  /** Every account, oldest first. */
  list(): Promise<User[]>;
  setRole(id: string, role: UserRole): Promise<User | null>;
  /**
   * Disables the account and revokes all its live sessions in one transaction. Disabling an already
   * disabled account keeps the first `disabledAt`. Like {@link UsersRepository.changePassword}, it updates
   * the user row first, so a login creating a session concurrently is either refused or revoked here.
   */
  disable(id: string, options: { now: Date; reason: SessionEndReason }): Promise<DisabledUser | null>;
  /** Lets a disabled account log in again (its revoked sessions stay revoked); null when there is no such account. */
  enable(id: string): Promise<User | null>;
  /**
   * Deletes the account in one transaction, only while its hash is still `verifiedPasswordHash` and it is
   * not disabled; null otherwise (nothing is written). Gone with it: the user row (name, password hash,
   * role), its tasks (cascade) and its refresh-token hashes. Its sessions stay as revoked rows, reason
   * `account-deleted`, with no address or agent: the revocation tombstones every instance reads. The audit
   * trail keeps its rows under the account's id. The `DELETE users` comes first, as in `changePassword`: a
   * login holding the row `FOR SHARE` (sessions.createForVerifiedUser) makes it wait, and the revocation
   * that follows then sees the login's session; a login after the commit finds no row and creates none.
   */
  deleteAccount(input: DeleteAccountInput): Promise<DeletedAccount | null>;
}

/** Builds the users repository; the look-ups on the login path are prepared once here. */
export function createUsersRepository(orm: LatchkeyOrm): UsersRepository {
  const insertUser = orm
    .insert(users)
    .values({
      username: sql.placeholder('username'),
      passwordHash: sql.placeholder('passwordHash'),
      role: sql.placeholder('role'),
    })
    // No conflict target: Drizzle's target takes columns, not the lower(username) expression. With none,
    // PostgreSQL skips the row on any unique violation, and the only other unique key is the random uuid.
    .onConflictDoNothing()
    .returning()
    .prepare('users_insert');

  const findByUsername = orm
    .select()
    .from(users)
    // Written exactly as the unique index is, so the planner uses users_username_lower_key.
    .where(eq(sql`lower(${users.username})`, sql`lower(${sql.placeholder('username')})`))
    .limit(1)
    .prepare('users_find_by_username');

  const findById = orm
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('users_find_by_id');

  const findProfileById = orm
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('users_find_profile_by_id');

  // The oldest transaction still running, cluster-wide: every transaction below it has committed or aborted.
  const changeCursor = orm
    .select({ cursor: sql<string>`pg_snapshot_xmin(snapshot)::text` })
    .from(sql`pg_current_snapshot() as snapshot`)
    .prepare('users_change_cursor');

  const listChangedSince = orm
    .select({ id: users.id })
    .from(users)
    .where(gte(users.changedXid, sql`${sql.placeholder('cursor')}::xid8`))
    .prepare('users_list_changed_since');

  async function readCursor(): Promise<UserChangeCursor> {
    const [position] = await changeCursor.execute();
    if (position === undefined) throw new Error('pg_current_snapshot() returned no row');
    return position.cursor;
  }

  return {
    async insert({ username, passwordHash, role = 'user' }) {
      const [user] = await insertUser.execute({ username, passwordHash, role });
      return user ?? null;
    },

    async findByUsername(username) {
      const [user] = await findByUsername.execute({ username });
      return user ?? null;
    },

    async findById(id) {
      if (!isUuid(id)) return null;
      const [user] = await findById.execute({ id });
      return user ?? null;
    },

    async findProfileById(id) {
      if (!isUuid(id)) return null;
      const [profile] = await findProfileById.execute({ id });
      return profile ?? null;
    },

    changeCursor: readCursor,

    async readChangesSince(cursor) {
      if (!/^\d{1,20}$/.test(cursor)) throw new TypeError('not a user change cursor');
      // The cursor first, the rows second, as sessions.readRevocations does: every transaction below the new
      // cursor had ended before the rows are read, so its change is among them (or an earlier call's).
      const next = await readCursor();
      const rows = await listChangedSince.execute({ cursor });
      return { userIds: rows.map((row) => row.id), cursor: next };
    },

    async updatePasswordHash(id, passwordHash, options = {}) {
      if (!isUuid(id)) return null;
      const [user] = await orm
        .update(users)
        .set(
          options.changedAt === undefined
            ? { passwordHash }
            : { passwordHash, passwordChangedAt: options.changedAt },
        )
        .where(eq(users.id, id))
        .returning();
      return user ?? null;
    },

    async rehashPassword(id, { currentHash, newHash }) {
      if (!isUuid(id)) return null;
      const [user] = await orm
        .update(users)
        .set({ passwordHash: newHash })
        .where(and(eq(users.id, id), eq(users.passwordHash, currentHash)))
        .returning();
      return user ?? null;
    },

    async changePassword({ userId, currentHash, newHash, now, reason, exceptSessionId }) {
      if (!isUuid(userId)) return null;
      const keep =
        exceptSessionId !== undefined && isUuid(exceptSessionId)
          ? ne(sessions.id, exceptSessionId)
          : undefined;
      return orm.transaction(async (tx) => {
        const [user] = await tx
          .update(users)
          .set({ passwordHash: newHash, passwordChangedAt: now })
          .where(and(eq(users.id, userId), eq(users.passwordHash, currentHash), isNull(users.disabledAt)))
          .returning();
        if (user === undefined) return null;
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: reason })
          .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep))
          .returning({ id: sessions.id });
        return { user, revokedSessionIds: revoked.map((row) => row.id) };
      });
    },

    async resetPassword({ tokenHash, newHash, now, reason }) {
      return orm.transaction(async (tx) => {
        const [token] = await tx
          .delete(emailTokens)
          .where(
            and(
              eq(emailTokens.tokenHash, tokenHash),
              eq(emailTokens.purpose, 'reset-password'),
              gt(emailTokens.expiresAt, now),
            ),
          )
          .returning({ userId: emailTokens.userId, email: emailTokens.email });
        if (token === undefined) return null;
        const [user] = await tx
          .update(users)
          .set({ passwordHash: newHash, passwordChangedAt: now })
          .where(and(eq(users.id, token.userId), eq(users.email, token.email), isNull(users.disabledAt)))
          .returning();
        if (user === undefined) return null;
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: reason })
          .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        return { user, revokedSessionIds: revoked.map((row) => row.id) };
      });
    },

    async verifyEmail({ tokenHash, now }) {
      try {
        return await orm.transaction(async (tx): Promise<EmailVerification> => {
          const [token] = await tx
            .delete(emailTokens)
            .where(
              and(
                eq(emailTokens.tokenHash, tokenHash),
                eq(emailTokens.purpose, 'verify-email'),
                gt(emailTokens.expiresAt, now),
              ),
            )
            .returning({ userId: emailTokens.userId, email: emailTokens.email });
          if (token === undefined) return { status: 'invalid' };
          const [before] = await tx
            .select({ email: users.email })
            .from(users)
            .where(and(eq(users.id, token.userId), isNull(users.disabledAt)))
            .for('update');
          if (before === undefined) return { status: 'invalid' };
          const [holder] = await tx
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.email, token.email), ne(users.id, token.userId)));
          if (holder !== undefined) return { status: 'taken' };
          const [user] = await tx
            .update(users)
            .set({ email: token.email, emailVerifiedAt: now })
            .where(eq(users.id, token.userId))
            .returning();
          if (user === undefined) return { status: 'invalid' };
          return { status: 'verified', user, previousEmail: before.email };
        });
      } catch (error) {
        // Two accounts proving one address at once: the unique index lets one commit; the other is refused.
        if (databaseErrorSummary(error).constraint === EMAIL_UNIQUE_INDEX) return { status: 'taken' };
        throw error;
      }
    },

    async list() {
      return orm.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
    },

    async setRole(id, role) {
      if (!isUuid(id)) return null;
      const [user] = await orm.update(users).set({ role }).where(eq(users.id, id)).returning();
      return user ?? null;
    },

    async disable(id, { now, reason }) {
      if (!isUuid(id)) return null;
      return orm.transaction(async (tx) => {
        const [user] = await tx
          .update(users)
          .set({ disabledAt: sql`coalesce(${users.disabledAt}, ${now.toISOString()}::timestamptz)` })
          .where(eq(users.id, id))
          .returning();
        if (user === undefined) return null;
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: reason })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        return { user, revokedSessionIds: revoked.map((row) => row.id) };
      });
    },

    async enable(id) {
      if (!isUuid(id)) return null;
      const [user] = await orm.update(users).set({ disabledAt: null }).where(eq(users.id, id)).returning();
      return user ?? null;
    },

    async deleteAccount({ userId, verifiedPasswordHash, now }) {
      if (!isUuid(userId)) return null;
      return orm.transaction(async (tx) => {
        const deleted = await tx
          .delete(users)
          .where(
            and(eq(users.id, userId), eq(users.passwordHash, verifiedPasswordHash), isNull(users.disabledAt)),
          )
          .returning({ id: users.id });
        if (deleted.length === 0) return null;
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: 'account-deleted' })
          .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        const ofUser = tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
        await tx.delete(refreshTokens).where(inArray(refreshTokens.sessionId, ofUser));
        await tx.update(sessions).set({ ip: null, userAgent: null }).where(eq(sessions.userId, userId));
        return { revokedSessionIds: revoked.map((row) => row.id) };
      });
    },
  };
}
