// Self-service deletion (SECURITY.md, "The account's life"). Behind a fresh login AND the password in the call:
// a stolen access token, or a session left open on a shared machine, must not be enough to destroy an account.
import type { VerifiedAccessToken } from '@latchkey/auth';
import type { DeletedAccount, User } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { confirmCallerPassword } from './confirm-password.js';
import { reverifyPassword } from './reverify-password.js';

// The first try, and one more after the stored hash moved by an upgrade of the same password at a login.
const DELETE_ATTEMPTS = 2;

/**
 * Deletes the caller's account: the user row, its tasks and refresh tokens in one transaction, with every
 * session revoked on every instance at once (`users.deleteAccount`). Wrong password: CREDENTIALS, nothing
 * written. The audit keeps the account's earlier events under its id and adds `account.deleted`.
 */
export async function deleteAccount(
  app: App,
  token: VerifiedAccessToken,
  input: { password: string },
  client: ClientInfo,
): Promise<DeletedAccount> {
  const user = await confirmCallerPassword(app, token, input.password, client);
  const deleted = await deleteOverCheckedHash(app, user, input.password);
  await recordAudit(app, {
    type: 'account.deleted',
    userId: user.id,
    sessionId: token.sessionId,
    client,
    detail: { revokedSessions: deleted.revokedSessionIds.length },
  });
  return deleted;
}

/**
 * Deletes only over the hash the password was checked against. When it moved meanwhile, the password is
 * checked once more: a login's upgrade of the same password is no reason to refuse; a change or a disable is.
 */
async function deleteOverCheckedHash(app: App, user: User, password: string): Promise<DeletedAccount> {
  let checked = user;
  for (let attempt = 1; ; attempt += 1) {
    const deleted = await app.revocations.deleteAccount({
      userId: checked.id,
      verifiedPasswordHash: checked.passwordHash,
    });
    if (deleted !== null) return deleted;
    const reread =
      attempt === DELETE_ATTEMPTS
        ? null
        : await reverifyPassword(app, { userId: checked.id, password, staleHash: checked.passwordHash });
    if (reread === null) throw new ApiError('CREDENTIALS');
    checked = reread;
  }
}
