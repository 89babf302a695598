import type { VerifiedAccessToken } from '@latchkey/auth';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';

/** Revokes one of the caller's own sessions (from the sessions page); effective on every instance at once. */
export async function revokeOwnSession(
  app: App,
  token: VerifiedAccessToken,
  sessionId: string,
  client: ClientInfo,
): Promise<void> {
  const revoked = await app.revocations.revokeSession({
    sessionId,
    userId: token.userId,
    reason: 'revoked-by-user',
  });
  // Another user's session is indistinguishable from one that does not exist.
  if (!revoked) throw new ApiError('NOT_FOUND', { message: 'No such session' });
  await recordAudit(app, {
    type: 'session.revoked',
    userId: token.userId,
    sessionId,
    client,
    detail: { by: token.sessionId },
  });
}
