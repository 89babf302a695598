import type { User, UserRole } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { auditActor, recordAudit, type AuditActor } from './audit.js';
import type { ClientInfo } from './client-info.js';

/** Changes a user's role. Takes effect on their next refresh; admin procedures re-read the role on every call. */
export async function setRole(
  app: App,
  actor: AuditActor,
  input: { userId: string; role: UserRole },
  client: ClientInfo,
): Promise<User> {
  const before = await app.repositories.users.findById(input.userId);
  if (before === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
  const user = await app.repositories.users.setRole(input.userId, input.role);
  if (user === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
  // This instance answers from the new row at once; the others drop theirs on the trigger's NOTIFY.
  app.users.invalidate(user.id);
  await recordAudit(app, {
    type: 'role.changed',
    userId: user.id,
    client,
    detail: { from: before.role, to: user.role, by: auditActor(actor) },
  });
  return user;
}

/**
 * An admin acting on their own account through the admin procedures is refused: disabling oneself locks the
 * only admin out (the CLI is the way back), and a session of one's own is ended by `auth.revokeSession`, whose
 * reason then says who ended it. The CLI (an operator, not an account) is not restricted.
 */
function refuseSelf(actor: AuditActor, userId: string): void {
  if ('userId' in actor && actor.userId === userId) throw new ApiError('ADMIN_SELF_TARGET');
}

/** Disables an account and revokes every session of it at once, on every instance. */
export async function disableUser(
  app: App,
  actor: AuditActor,
  input: { userId: string },
  client: ClientInfo,
): Promise<User> {
  refuseSelf(actor, input.userId);
  const disabled = await app.revocations.disableUser(input.userId, 'user-disabled');
  if (disabled === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
  app.users.invalidate(disabled.user.id);
  await recordAudit(app, {
    type: 'user.disabled',
    userId: disabled.user.id,
    client,
    detail: { by: auditActor(actor), revokedSessions: disabled.revokedSessionIds.length },
  });
  return disabled.user;
}

/** Lets a disabled account log in again. Its sessions stay revoked: the user logs in anew. */
export async function enableUser(
  app: App,
  actor: AuditActor,
  input: { userId: string },
  client: ClientInfo,
): Promise<User> {
  const before = await app.repositories.users.findById(input.userId);
  if (before === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
  const user = await app.repositories.users.enable(input.userId);
  if (user === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
  await recordAudit(app, {
    type: 'user.enabled',
    userId: user.id,
    client,
    detail: { by: auditActor(actor), wasDisabled: before.disabledAt !== null },
  });
  return user;
}

/**
 * Ends one live session of another user, on every instance at once; its row says `revoked-by-admin`, which
 * the user's sessions page shows. NOT_FOUND when the session is not a live session of that user: an admin
 * learns nothing the admin session list does not already show.
 */
export async function revokeUserSession(
  app: App,
  actor: AuditActor,
  input: { userId: string; sessionId: string },
  client: ClientInfo,
): Promise<void> {
  refuseSelf(actor, input.userId);
  const revoked = await app.revocations.revokeSession({ ...input, reason: 'revoked-by-admin' });
  if (!revoked) throw new ApiError('NOT_FOUND', { message: 'No such session' });
  await recordAudit(app, {
    type: 'session.revoked.by-admin',
    userId: input.userId,
    sessionId: input.sessionId,
    client,
    detail: { by: auditActor(actor) },
  });
}
