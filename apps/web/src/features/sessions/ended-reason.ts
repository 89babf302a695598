// Why a session ended, in the words the sessions page shows (the reasons of apps/api/README.md, auth.endedSessions).
// The reason type is read from the router, so a reason the API adds is a type error here until it has words.
import type { AppRouter } from '@latchkey/api';
import type { inferRouterOutputs } from '@trpc/server';

export type EndedSession = inferRouterOutputs<AppRouter>['auth']['endedSessions'][number];
export type SessionEndReason = EndedSession['endedReason'];

const ENDED_REASON_TEXT = {
  logout: 'Logged out',
  'logout-all': 'Logged out everywhere',
  'revoked-by-user': 'Revoked by you',
  'revoked-by-admin': 'Ended by an administrator',
  'password-changed': 'Ended by a password change',
  'password-reset': 'Ended by a password reset',
  'refresh-reuse': 'Ended because its refresh token was used twice (a possible theft)',
  'user-disabled': 'Ended when the account was disabled',
  'account-deleted': 'Ended when the account was deleted',
} as const satisfies Record<SessionEndReason, string>;

/** The sentence for a reason. */
export function endedReasonText(reason: SessionEndReason): string {
  return ENDED_REASON_TEXT[reason];
}
