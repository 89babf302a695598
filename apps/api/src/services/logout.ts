import { hashRefreshToken, isWellFormedRefreshToken, type VerifiedAccessToken } from '@latchkey/auth';
import type { App } from '../app.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';

/**
 * Ends one session, named by its refresh token or, failing that, by the caller's access token. Idempotent: an
 * unknown or already revoked refresh token is still a successful logout (the caller wanted it gone; it is).
 */
export async function logout(
  app: App,
  input: { refreshToken: string } | { accessToken: VerifiedAccessToken },
  client: ClientInfo,
): Promise<void> {
  if ('refreshToken' in input) {
    if (!isWellFormedRefreshToken(input.refreshToken)) return;
    const owner = await app.revocations.revokeByRefreshToken(hashRefreshToken(input.refreshToken), 'logout');
    if (owner !== null)
      await recordAudit(app, { type: 'logout', userId: owner.userId, sessionId: owner.sessionId, client });
    return;
  }
  const { userId, sessionId } = input.accessToken;
  if (await app.revocations.revokeSession({ sessionId, userId, reason: 'logout' })) {
    await recordAudit(app, { type: 'logout', userId, sessionId, client });
  }
}

/** Ends every session of the user, the current one included; returns how many were live. */
export async function logoutAll(app: App, token: VerifiedAccessToken, client: ClientInfo): Promise<number> {
  const revoked = await app.revocations.revokeUserSessions({ userId: token.userId, reason: 'logout-all' });
  await recordAudit(app, {
    type: 'logout.all',
    userId: token.userId,
    sessionId: token.sessionId,
    client,
    detail: { revoked: revoked.length },
  });
  return revoked.length;
}
