import type { VerifiedAccessToken } from '@latchkey/auth';
import type { ChangedPassword, User } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { confirmCallerPassword } from './confirm-password.js';
import { assertPasswordAllowed } from './password-rules.js';
import { reverifyPassword } from './reverify-password.js';
import { issueSession, type IssuedSession } from './session.js';

// The first try, and one more after the stored hash moved by an upgrade of the same password at a login.
const CHANGE_ATTEMPTS = 2;

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
  const user = await confirmCallerPassword(app, token, input.currentPassword, client);
  assertPasswordAllowed(input.newPassword, { username: user.username, field: 'newPassword' });
  const newHash = await app.passwords.hash(input.newPassword);
  const changed = await changeOverCheckedHash(app, { user, password: input.currentPassword, newHash, token });
  const revoked = changed.revokedSessionIds;
  await app.revocations.announce(revoked, changed.now);
  await recordAudit(app, {
    type: 'password.changed',
    userId: user.id,
    sessionId: token.sessionId,
    client,
    detail: { revokedSessions: revoked.length },
  });
  // The password was just proven, so the new access token carries a fresh auth time; the refresh token stays.
  return issueSession(app, {
    user: changed.user,
    sessionId: token.sessionId,
    authTime: changed.now,
    refresh: null,
  });
}

/**
 * Writes the new hash over the one the current password was checked against, revoking the other sessions in
 * the same transaction. When the stored hash moved meanwhile, the current password is checked once more
 * against it: a login's upgrade of the same password is no reason to refuse, another change is (the current
 * password is not current any more), and so is a disable.
 */
async function changeOverCheckedHash(
  app: App,
  input: { user: User; password: string; newHash: string; token: VerifiedAccessToken },
): Promise<ChangedPassword & { now: Date }> {
  let checked = input.user;
  for (let attempt = 1; ; attempt += 1) {
    const now = app.config.now();
    const changed = await app.repositories.users.changePassword({
      userId: checked.id,
      currentHash: checked.passwordHash,
      newHash: input.newHash,
      now,
      reason: 'password-changed',
      exceptSessionId: input.token.sessionId,
    });
    if (changed !== null) return { ...changed, now };
    const reread =
      attempt === CHANGE_ATTEMPTS
        ? null
        : await reverifyPassword(app, {
            userId: checked.id,
            password: input.password,
            staleHash: checked.passwordHash,
          });
    if (reread === null) throw new ApiError('CREDENTIALS');
    checked = reread;
  }
}
