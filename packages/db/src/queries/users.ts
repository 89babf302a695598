import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
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
