import type { VerifiedAccessToken } from '@latchkey/auth';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { assertPasswordAllowed } from './password-rules.js';
import { issueSession, type IssuedSession } from './session.js';

/**
 * Changes the password of a freshly logged-in user, revokes every OTHER session (a thief holding one is out at
 * once, on every instance), and hands back a new access token for the current session with a fresh auth time.
 * The caller's refresh token stays valid, whichever transport it uses.
 */
export async function changePassword(
  app: App,
  token: VerifiedAccessToken,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<IssuedSession> {
  const user = await app.repositories.users.findById(token.userId);
  if (user === null) throw new ApiError('SESSION_REVOKED');
  // A stolen access token must not become an unlimited password oracle: count it like an untrusted login attempt.
  await app.rateLimits.consumeLogin({
    username: user.username,
    clientAddress: client.clientAddress,
    deviceToken: null,
  });
  if (!(await app.passwords.verify(user.passwordHash, input.currentPassword)))
    throw new ApiError('CREDENTIALS');
  assertPasswordAllowed(input.newPassword, { username: user.username, field: 'newPassword' });
  const now = app.config.now();
  const updated = await app.repositories.users.updatePasswordHash(
    user.id,
    await app.passwords.hash(input.newPassword),
    {
      changedAt: now,
    },
  );
  if (updated === null) throw new ApiError('SESSION_REVOKED');
  const revoked = await app.revocations.revokeUserSessions({
    userId: user.id,
    reason: 'password-changed',
    exceptSessionId: token.sessionId,
  });
  await recordAudit(app, {
    type: 'password.changed',
    userId: user.id,
    sessionId: token.sessionId,
    client,
    detail: { revokedSessions: revoked.length },
  });
  // The password was just proven, so the new access token carries a fresh auth time; the refresh token stays.
  return issueSession(app, { user: updated, sessionId: token.sessionId, authTime: now, refresh: null });
}
