// A session as the sessions lists put it on the wire (apps/api/README.md, Procedures): the user's own live
// sessions (`auth.sessions`), the ones that ended and why (`auth.endedSessions`), and another user's live
// sessions as an admin sees them (`admin.userSessions`).
import type { Session, SessionEndReason } from '@latchkey/db';
import { describeSessionDevice, type SessionDevice } from './session-device.js';

export interface SessionView extends SessionDevice {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  /** The address of the login. */
  signedInFrom: string | null;
  /** The address of the latest refresh (the login's until the first one). */
  lastUsedFrom: string | null;
}

export interface EndedSessionView extends SessionView {
  endedAt: string;
  /** Which path ended it: logout, an admin, a password change or reset, refresh-token reuse... */
  endedReason: SessionEndReason;
}

/** The fields every list shows. */
export function sessionView(session: Session): SessionView {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    userAgent: session.userAgent,
    ...describeSessionDevice(session.userAgent),
    // The row keeps the address and agent of the login; a refresh moves lastUsedAt and lastUsedFrom.
    signedInFrom: session.ip,
    lastUsedFrom: session.lastUsedIp,
  };
}

/** An ended session with when and why; null for a session that is still live (not one of the ended). */
export function endedSessionView(session: Session): EndedSessionView | null {
  if (session.revokedAt === null || session.revokedReason === null) return null;
  return {
    ...sessionView(session),
    endedAt: session.revokedAt.toISOString(),
    endedReason: session.revokedReason,
  };
}
