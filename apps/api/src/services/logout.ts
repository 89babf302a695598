import { hashRefreshToken, isWellFormedRefreshToken, type VerifiedAccessToken } from '@latchkey/auth';
import type { SessionOwner } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';

/**
 * Ends one session, named by its refresh token (current or an earlier one of its chain) or, failing that, by
 * the caller's access token. A refresh token that names no live session (unknown, malformed, or its session
 * already revoked) is REFRESH_TOKEN_INVALID: answering success would let the caller clear the cookie of a
 * session that still lives (see routers/auth.ts, logout).
 */
export async function logout(
  app: App,
  input: { refreshToken: string } | { accessToken: VerifiedAccessToken },
  client: ClientInfo,
): Promise<void> {
  if ('refreshToken' in input) {
    const owner = isWellFormedRefreshToken(input.refreshToken)
      ? await app.revocations.revokeByRefreshToken(hashRefreshToken(input.refreshToken), 'logout')
      : null;
    if (owner === null)
      throw new ApiError('REFRESH_TOKEN_INVALID', { message: 'No live session for this refresh token' });
    await recordAudit(app, { type: 'logout', userId: owner.userId, sessionId: owner.sessionId, client });
    return;
  }
  const { userId, sessionId } = input.accessToken;
  if (await app.revocations.revokeSession({ sessionId, userId, reason: 'logout' })) {
    await recordAudit(app, { type: 'logout', userId, sessionId, client });
  }
}

/**
 * The session and user a refresh token was issued to (current or an earlier one of its chain), revoked or not;
 * null for a malformed or unknown token.
 */
export async function refreshTokenOwner(app: App, refreshToken: string | null): Promise<SessionOwner | null> {
  if (refreshToken === null || !isWellFormedRefreshToken(refreshToken)) return null;
  return app.repositories.sessions.findOwnerByRefreshHash(hashRefreshToken(refreshToken));
}

/** Ends every session of the user, the current one included; returns the ids of those that were live. */
export async function logoutAll(
  app: App,
  token: VerifiedAccessToken,
  client: ClientInfo,
): Promise<readonly string[]> {
  const revoked = await app.revocations.revokeUserSessions({ userId: token.userId, reason: 'logout-all' });
  await recordAudit(app, {
    type: 'logout.all',
    userId: token.userId,
    sessionId: token.sessionId,
    client,
    detail: { revoked: revoked.length },
  });
  return revoked;
}
