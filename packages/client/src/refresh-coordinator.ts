/**
 * One refresh for every caller in this tab, and (with Web Locks) for every tab of the origin.
 *
 * Refresh tokens rotate on every use and a rotated token presented again revokes the session (RFC 9700
 * reuse detection), so two refreshes racing on the same cookie would be a real failure, not waste.
 * - In this tab, concurrent callers share one in-flight promise (single-flight).
 * - Across tabs, the refresh runs inside `navigator.locks.request('latchkey-refresh')`. A tab that waited
 *   for the lock first checks whether the tab before it already refreshed (the new token arrives over
 *   BroadcastChannel or through shared storage) and reuses that token instead of rotating again.
 *   Chromium can grant the lock before the previous holder's BroadcastChannel message is delivered, so
 *   the holder announces "refreshing" when it starts (well before it finishes) and a tab that heard it
 *   waits for the outcome (`peerRefreshSettled`) before deciding; see tab-sync.ts.
 * - The lock is held only while a refresh runs, never for a component's lifetime, so a React StrictMode
 *   mount/unmount/mount cannot orphan it; `dispose()` abandons a wait that has not been granted yet.
 * - Without `navigator.locks` (Node, old browsers) the single-flight still holds within the process and the
 *   server's short reuse grace window absorbs the rare cross-tab race.
 */
import type { StoredSession } from './session.js';

/** The part of the Web Locks API this file uses (navigator.locks). */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

export interface RefreshCoordinatorOptions {
  /** Performs the refresh against the API and stores the result; rejects when it fails. */
  readonly refresh: () => Promise<StoredSession>;
  /** The session as the store holds it now (another tab may have replaced it). */
  readonly current: () => StoredSession | null;
  /** Whether a session's access token can still be sent (not within the refresh leeway). */
  readonly isUsable: (session: StoredSession) => boolean;
  /** Tells the other tabs a refresh is starting (called inside the lock, just before `refresh`). */
  readonly announceRefreshStart?: () => void;
  /** Resolves once a refresh another tab announced has finished (or at once when none is known). */
  readonly peerRefreshSettled?: () => Promise<void>;
  /** Defaults to `navigator.locks` when present; `null` turns cross-tab locking off. */
  readonly locks?: LockManagerLike | null;
  readonly lockName?: string;
}

export interface RefreshCoordinator {
  /**
   * Returns a usable session, refreshing at most once however many callers ask at the same time.
   * `staleAccessToken` is the token the caller found unusable (or that the API rejected as expired);
   * if the current token is a different, usable one, someone already refreshed and it is returned as is.
   */
  refresh(staleAccessToken: string | null): Promise<StoredSession>;
  /** Abandons waits for the lock that were not granted yet; later calls reject. */
  dispose(): void;
}

export const DEFAULT_REFRESH_LOCK_NAME = 'latchkey-refresh';

/**
 * Creates the coordinator.
 *
 * @example
 * const coordinator = createRefreshCoordinator({ refresh, current: () => store.read(), isUsable });
 * const session = await coordinator.refresh(expiredToken); // one network refresh for all callers
 */
export function createRefreshCoordinator(options: RefreshCoordinatorOptions): RefreshCoordinator {
  const locks = options.locks === undefined ? defaultLockManager() : options.locks;
  const lockName = options.lockName ?? DEFAULT_REFRESH_LOCK_NAME;
  const abort = new AbortController();
  let inFlight: Promise<StoredSession> | null = null;

  const alreadyRefreshed = (staleAccessToken: string | null): StoredSession | null => {
    const current = options.current();
    if (current === null || current.accessToken === staleAccessToken) return null;
    return options.isUsable(current) ? current : null;
  };

  const refreshOnce = async (staleAccessToken: string | null): Promise<StoredSession> => {
    if (locks === null) return options.refresh();
    return locks.request(lockName, { signal: abort.signal }, async () => {
      // Let a BroadcastChannel message from the tab that held the lock before us land first.
      await nextMacrotask();
      await options.peerRefreshSettled?.();
      const reusable = alreadyRefreshed(staleAccessToken);
      if (reusable !== null) return reusable;
      options.announceRefreshStart?.();
      return options.refresh();
    });
  };

  return {
    refresh: (staleAccessToken) => {
      if (abort.signal.aborted) return Promise.reject(new Error('The Latchkey client was disposed'));
      const reusable = alreadyRefreshed(staleAccessToken);
      if (reusable !== null) return Promise.resolve(reusable);
      inFlight ??= refreshOnce(staleAccessToken).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    dispose: () => {
      abort.abort();
    },
  };
}

function defaultLockManager(): LockManagerLike | null {
  const { navigator } = globalThis as { navigator?: { locks?: LockManagerLike } };
  return navigator?.locks ?? null;
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
