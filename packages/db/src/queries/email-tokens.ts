import { and, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { LatchkeyOrm } from '../database.js';
import { emailTokens, type EmailToken, type EmailTokenPurpose } from '../schema/email-tokens.js';
import { users } from '../schema/users.js';
import { isUuid } from '../uuid.js';

export interface IssueEmailTokenInput {
  userId: string;
  /** The address the link goes to (already normalised by the caller). */
  email: string;
  tokenHash: string;
  now: Date;
  ttlSeconds: number;
}

/** Who a password-reset link is for: the account named by username (any letter case) or by its address. */
export type ResetTarget = { username: string } | { email: string };

export interface IssuePasswordResetInput {
  target: ResetTarget;
  tokenHash: string;
  now: Date;
  ttlSeconds: number;
}

/** Where an issued reset link goes. */
export interface ResetRecipient {
  userId: string;
  email: string;
}

/** The tokens of emailed links (verify an address, reset a password); consuming one is in the users repository. */
export interface EmailTokensRepository {
  /** Stores the verification token for `email`, replacing the user's earlier one (only the newest link works). */
  issueVerification(input: IssueEmailTokenInput): Promise<void>;
  /**
   * Stores a reset token for the target account, replacing its earlier one, in ONE statement whether or not
   * the account exists, has a verified address or is enabled: null (nothing written) unless it does.
   */
  issuePasswordReset(input: IssuePasswordResetInput): Promise<ResetRecipient | null>;
  /** Deletes the token (its mail could not be sent); a no-op when it is gone already. */
  withdraw(tokenHash: string): Promise<void>;
  /** The unexpired token with this hash and purpose, without using it; null otherwise. */
  findLive(input: { tokenHash: string; purpose: EmailTokenPurpose; now: Date }): Promise<EmailToken | null>;
  /** The user's unexpired verification token (the address waiting to be proven), or null. */
  pendingVerification(userId: string, now: Date): Promise<EmailToken | null>;
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

// The newest token replaces the row of the same user and purpose: the old link stops working in the same write.
const replaceOlder = {
  target: [emailTokens.userId, emailTokens.purpose],
  set: {
    tokenHash: sql`excluded.token_hash`,
    email: sql`excluded.email`,
    createdAt: sql`excluded.created_at`,
    expiresAt: sql`excluded.expires_at`,
  },
};

export function createEmailTokensRepository(orm: LatchkeyOrm): EmailTokensRepository {
  return {
    async issueVerification({ userId, email, tokenHash, now, ttlSeconds }) {
      await orm
        .insert(emailTokens)
        .values({
          tokenHash,
          userId,
          purpose: 'verify-email',
          email,
          createdAt: now,
          expiresAt: addSeconds(now, ttlSeconds),
        })
        .onConflictDoUpdate(replaceOlder);
    },

    async issuePasswordReset({ target, tokenHash, now, ttlSeconds }) {
      const match =
        'email' in target
          ? eq(users.email, target.email)
          : eq(sql`lower(${users.username})`, sql`lower(${target.username})`);
      // INSERT … SELECT: the look-up and the write are one statement, so an unknown account costs the same
      // round trip as a known one; the columns are selected in the table's order, as INSERT … SELECT needs.
      const rows = await orm
        .insert(emailTokens)
        .select(
          orm
            .select({
              tokenHash: sql<string>`${tokenHash}`.as('token_hash'),
              userId: users.id,
              purpose: sql<EmailTokenPurpose>`'reset-password'`.as('purpose'),
              email: sql<string>`${users.email}`.as('email'),
              createdAt: sql<Date>`${now.toISOString()}::timestamptz`.as('created_at'),
              expiresAt: sql<Date>`${addSeconds(now, ttlSeconds).toISOString()}::timestamptz`.as(
                'expires_at',
              ),
            })
            .from(users)
            .where(and(match, isNotNull(users.email), isNull(users.disabledAt))),
        )
        .onConflictDoUpdate(replaceOlder)
        .returning({ userId: emailTokens.userId, email: emailTokens.email });
      return rows[0] ?? null;
    },

    async withdraw(tokenHash) {
      await orm.delete(emailTokens).where(eq(emailTokens.tokenHash, tokenHash));
    },

    async findLive({ tokenHash, purpose, now }) {
      const [token] = await orm
        .select()
        .from(emailTokens)
        .where(
          and(
            eq(emailTokens.tokenHash, tokenHash),
            eq(emailTokens.purpose, purpose),
            gt(emailTokens.expiresAt, now),
          ),
        )
        .limit(1);
      return token ?? null;
    },

    async pendingVerification(userId, now) {
      if (!isUuid(userId)) return null;
      const [token] = await orm
        .select()
        .from(emailTokens)
        .where(
          and(
            eq(emailTokens.userId, userId),
            eq(emailTokens.purpose, 'verify-email'),
            gt(emailTokens.expiresAt, now),
          ),
        )
        .limit(1);
      return token ?? null;
    },
  };
}
