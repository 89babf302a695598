// What a route shows for a given session state, as a pure function so the rules are tested on their own.
import type { AuthState } from '@latchkey/client';

/**
 * - `protected`: signed-in users only (dashboard, sessions, change password, delete account).
 * - `admin`: signed-in users with role `admin`.
 * - `guest`: pages for visitors (front, login, signup); a signed-in visitor goes to the dashboard.
 */
export type RouteAccess = 'protected' | 'admin' | 'guest';

export type GuardDecision =
  | { readonly kind: 'render' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'redirect'; readonly to: string };

export const ROUTES = {
  home: '/',
  login: '/login',
  signup: '/signup',
  dashboard: '/dashboard',
  sessions: '/sessions',
  changePassword: '/change-password',
  deleteAccount: '/delete-account',
  loggedOut: '/logged-out',
  admin: '/admin',
  forgotPassword: '/forgot-password',
  resetPassword: '/reset-password',
  verifyEmail: '/verify-email',
  email: '/email',
  devMailbox: '/dev/mailbox',
} as const;

/**
 * Decides what a route renders. While the session is restored or re-checked nothing protected renders
 * (`wait`): this is what keeps Back after a logout from flashing a dashboard.
 */
export function guardDecision(access: RouteAccess, auth: AuthState, checking: boolean): GuardDecision {
  if (access === 'guest') {
    if (auth.status === 'authenticated') return { kind: 'redirect', to: ROUTES.dashboard };
    return auth.status === 'restoring' ? { kind: 'wait' } : { kind: 'render' };
  }
  if (checking || auth.status === 'restoring') return { kind: 'wait' };
  if (auth.status === 'anonymous') {
    // A deliberate logout (here or in another tab) lands on the logged-out page; anything else on login.
    return { kind: 'redirect', to: auth.reason === 'logged-out' ? ROUTES.loggedOut : ROUTES.login };
  }
  if (access === 'admin' && auth.user.role !== 'admin') return { kind: 'forbidden' };
  return { kind: 'render' };
}
