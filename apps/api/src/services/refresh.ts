// Refresh-token rotation (RFC 9700 section 4.14.2). The database decides, in one transaction under the
// session's row lock, what the presented token is; this function prepares the successor before the call and
// turns the outcome into a session or an error:
//   rotated  the token was current: here is a new access token and the successor refresh token
//   grace    a duplicate within REFRESH_GRACE_SECONDS of the rotation (two tabs, a retried request): the caller
//            gets the SAME successor the first request got, opened from the sealed copy with the token it
//            presented; the chain never forks
//   reuse    an old token replayed after the grace window: the session is revoked (already, in the same
//            transaction) and every instance refuses its access tokens at once
import {
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
  openSuccessor,
  sealSuccessor,
} from '@latchkey/auth';
import type { Session, User } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { issueSession, type IssuedSession } from './session.js';

function issueForSession(
  app: App,
  session: Session,
  user: User,
  refreshToken: string,
): Promise<IssuedSession> {
  return issueSession(app, {
    user,
    sessionId: session.id,
    // The login time, not now: a refresh does not prove the password again (fresh-login checks read this).
    authTime: session.authTime,
    refresh: { token: refreshToken, expiresAt: session.expiresAt },
  });
}

export async function refresh(
  app: App,
  input: { refreshToken: string },
  client: ClientInfo,
): Promise<IssuedSession> {
  const presented = input.refreshToken;
  if (!isWellFormedRefreshToken(presented)) throw new ApiError('REFRESH_TOKEN_INVALID');
  const now = app.config.now();
  const successor = generateRefreshToken();
  const outcome = await app.repositories.sessions.rotateRefreshToken({
    presentedHash: hashRefreshToken(presented),
    nextHash: successor.hash,
    successorSealed: sealSuccessor(successor.token, presented),
    now,
    graceSeconds: app.config.refreshGraceSeconds,
    idleTtlSeconds: app.config.refreshTokenTtlSeconds,
    ip: client.clientAddress,
  });
  switch (outcome.kind) {
    case 'rotated': {
      await recordAudit(app, {
        type: 'refresh',
        userId: outcome.user.id,
        sessionId: outcome.session.id,
        client,
      });
      return issueForSession(app, outcome.session, outcome.user, successor.token);
    }
    case 'grace': {
      const current = openSuccessor(outcome.successorSealed, presented);
      // Only the holder of the presented token can open it; failing here means the row was tampered with.
      if (current === null) throw new ApiError('REFRESH_TOKEN_INVALID');
      await recordAudit(app, {
        type: 'refresh',
        userId: outcome.user.id,
        sessionId: outcome.session.id,
        client,
        detail: { grace: true },
      });
      return issueForSession(app, outcome.session, outcome.user, current);
    }
    case 'reuse': {
      await app.revocations.announce([outcome.sessionId], now);
      await recordAudit(app, {
        type: 'refresh.reuse',
        userId: outcome.userId,
        sessionId: outcome.sessionId,
        client,
      });
      throw new ApiError('SESSION_REVOKED', { message: 'Refresh token reused; the session is revoked' });
    }
    case 'revoked':
      throw new ApiError('SESSION_REVOKED');
    case 'expired':
      throw new ApiError('REFRESH_TOKEN_EXPIRED');
    case 'unknown':
      throw new ApiError('REFRESH_TOKEN_INVALID');
  }
}
