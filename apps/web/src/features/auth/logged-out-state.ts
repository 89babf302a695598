// What the logged-out page is told about the logout that led there, through the history entry's state (so a
// reload of the page keeps it). Absent when the visitor arrived another way (a logout in another tab, a typed
// URL): the page then claims nothing about the server.
export interface LoggedOutState {
  /** True when the server revoked the session (or told that it was no longer live); false when unreachable. */
  readonly revokedOnServer: boolean;
}

/** Reads the history state the logout left; null for anything else. */
export function readLoggedOutState(state: unknown): LoggedOutState | null {
  if (typeof state !== 'object' || state === null || !('revokedOnServer' in state)) return null;
  const { revokedOnServer } = state;
  return typeof revokedOnServer === 'boolean' ? { revokedOnServer } : null;
}
