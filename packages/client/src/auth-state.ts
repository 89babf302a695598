import type { User } from './session.js';

/**
 * Why nobody is signed in:
 * - `none`: no session was found (first visit, or the refresh cookie is gone).
 * - `logged-out`: this tab or another one logged out.
 * - `revoked`: the server ended the session (revoked elsewhere, password changed, refresh token reuse).
 * - `expired`: the session could not be refreshed any more (idle or absolute lifetime reached).
 * - `unreachable`: the session could not be checked because the API did not answer.
 * - `account-deleted`: this tab or another one deleted the account.
 */
export type AnonymousReason =
  'none' | 'logged-out' | 'revoked' | 'expired' | 'unreachable' | 'account-deleted';

export type AuthState =
  | { readonly status: 'restoring' }
  | { readonly status: 'authenticated'; readonly user: User }
  | { readonly status: 'anonymous'; readonly reason: AnonymousReason };

export type AuthStateListener = (state: AuthState) => void;

/** Holds the current state and tells listeners about changes (and only about changes). */
export interface AuthStateHolder {
  get(): AuthState;
  set(state: AuthState): void;
  subscribe(listener: AuthStateListener): () => void;
}

/** Creates the holder; a listener that throws does not stop the others. */
export function createAuthStateHolder(initial: AuthState): AuthStateHolder {
  let current = initial;
  const listeners = new Set<AuthStateListener>();
  return {
    get: () => current,
    set: (next) => {
      if (sameState(current, next)) return;
      current = next;
      for (const listener of [...listeners]) {
        try {
          listener(next);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

function sameState(a: AuthState, b: AuthState): boolean {
  if (a.status !== b.status) return false;
  if (a.status === 'authenticated' && b.status === 'authenticated') {
    return a.user.id === b.user.id && a.user.role === b.user.role && a.user.username === b.user.username;
  }
  if (a.status === 'anonymous' && b.status === 'anonymous') return a.reason === b.reason;
  return true;
}
