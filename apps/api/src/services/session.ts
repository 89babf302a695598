// What every flow that logs someone in returns: a new session row with its first refresh token, and an access
// token bound to it. Also the User shape that goes on the wire.
import { generateRefreshToken } from '@latchkey/auth';
import type { User, UserProfile } from '@latchkey/db';
import type { App } from '../app.js';
import type { AuditEventType } from './audit.js';
import type { ClientInfo } from './client-info.js';

/**
 * `user` on the wire (apps/api/README.md, Procedures). Dates as ISO strings: the wire is plain JSON, and the
 * type says what really arrives.
 */
export interface PublicUser {
  id: string;
  username: string;
  role: 'user' | 'admin';
  createdAt: string;
}

export interface IssuedSession {
  user: PublicUser;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  /**
   * The new refresh token and when it stops working unless used (the session's sliding expiry); null when
   * the flow kept the caller's refresh token (change password).
   */
  refresh: { token: string; expiresAt: Date } | null;
}

export function toPublicUser(user: Pick<UserProfile, 'id' | 'username' | 'role' | 'createdAt'>): PublicUser {
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt.toISOString() };
}

/** The audit event a new session is recorded with (login.ok, signup, token.minted), in its own transaction. */
export interface SessionAudit {
  type: AuditEventType;
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * Creates a session for a user who just proved their password against `user.passwordHash`, with its first
 * refresh token and its audit event, in one transaction. Null when the account no longer has that hash or was
 * disabled meanwhile (a change or a disable that committed while the password was being checked): nothing is
 * written then, the audit event neither.
 */
export async function startSession(
  app: App,
  user: User,
  client: ClientInfo,
  audit: SessionAudit,
): Promise<IssuedSession | null> {
  const now = app.config.now();
  const refresh = generateRefreshToken();
  const session = await app.repositories.sessions.createForVerifiedUser({
    userId: user.id,
    verifiedPasswordHash: user.passwordHash,
    refreshTokenHash: refresh.hash,
    userAgent: client.userAgent,
    ip: client.clientAddress,
    now,
    idleTtlSeconds: app.config.refreshTokenTtlSeconds,
    absoluteTtlSeconds: app.config.refreshTokenAbsoluteTtlSeconds,
    authTime: now,
    audit,
  });
  if (session === null) return null;
  return issueSession(app, {
    user,
    sessionId: session.id,
    authTime: now,
    refresh: { token: refresh.token, expiresAt: session.expiresAt },
  });
}

/**
 * The answer of every flow that hands out tokens: a new access token for `user` in `sessionId`, whose
 * `authTime` is when the password was last proven (fresh-login checks read it), and the refresh part.
 */
export async function issueSession(
  app: App,
  grant: { user: User; sessionId: string; authTime: Date; refresh: IssuedSession['refresh'] },
): Promise<IssuedSession> {
  const access = await app.accessTokens.issue({
    userId: grant.user.id,
    sessionId: grant.sessionId,
    role: grant.user.role,
    authTime: grant.authTime,
  });
  return {
    user: toPublicUser(grant.user),
    sessionId: grant.sessionId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refresh: grant.refresh,
  };
}
