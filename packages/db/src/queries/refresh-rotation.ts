import type { Session } from '../schema/sessions.js';
import type { User } from '../schema/users.js';

/** What `sessions.rotateRefreshToken` found and did, decided in one transaction under the session's row lock. */
export type RefreshRotation =
  /** The presented token was current: it is now rotated, `nextHash` is current, the idle expiry slid. */
  | { kind: 'rotated'; session: Session; user: User }
  /**
   * The presented token was rotated moments ago (within the grace window) and its successor is still
   * current: a legitimate race (two tabs, a retried request). Nothing changed; hand the caller the
   * successor, sealed under the presented token, instead of a new one.
   */
  | { kind: 'grace'; session: Session; user: User; successorSealed: string }
  /** An already-rotated token outside the grace window: replay. The session is now revoked (RFC 9700 4.14.2). */
  | { kind: 'reuse'; sessionId: string; userId: string }
  /** The session was revoked earlier (logout, reuse, admin) or its user is disabled. */
  | { kind: 'revoked'; sessionId: string; userId: string }
  /** The session passed its idle expiry or its absolute cap. */
  | { kind: 'expired'; sessionId: string; userId: string }
  /** No token with this hash was ever issued (or its session is gone). */
  | { kind: 'unknown' };

/** The `revoked_reason` written when a rotated refresh token is presented again. */
export const REFRESH_REUSE_REASON = 'refresh-reuse';
