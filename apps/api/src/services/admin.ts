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

/** Disables an account and revokes every session of it at once, on every instance. */
export async function disableUser(
  app: App,
  actor: AuditActor,
  input: { userId: string },
  client: ClientInfo,
): Promise<User> {
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
