/**
 * Keeps the tabs of one origin in step over BroadcastChannel: a login, a new access token and a logout in
 * one tab reach the others, and so does the start of a refresh (see refresh-coordinator.ts).
 * BroadcastChannel never leaves the origin; the refresh token is never sent (in a browser it is an
 * httpOnly cookie that scripts cannot read in the first place).
 */
import type { AnonymousReason } from './auth-state.js';
import type { StoredSession } from './session.js';
import { parseStoredSession } from './token-store.js';

export type EndedReason = Extract<AnonymousReason, 'logged-out' | 'revoked' | 'expired' | 'account-deleted'>;

/**
 * - `refreshing`: this tab holds the refresh lock and is refreshing; its outcome follows as `session` or
 *   `ended`.
 * - `session`: a login, a refresh or a password change produced this access token.
 * - `ended`: the session is over (logout, revocation, expiry).
 */
export type TabMessage =
  | { readonly type: 'refreshing' }
  | { readonly type: 'session'; readonly session: StoredSession }
  | { readonly type: 'ended'; readonly reason: EndedReason };

export interface TabSync {
  announce(message: TabMessage): void;
  /** Closes the channel; no message is delivered or sent afterwards. */
  dispose(): void;
}

export const DEFAULT_TAB_CHANNEL_NAME = 'latchkey';

const ENDED_REASONS: ReadonlySet<string> = new Set<EndedReason>([
  'logged-out',
  'revoked',
  'expired',
  'account-deleted',
]);

/**
 * Opens the channel, or returns a no-op sync where BroadcastChannel does not exist.
 *
 * @example
 * const sync = createTabSync({ onMessage: (message) => apply(message) });
 * sync.announce({ type: 'ended', reason: 'logged-out' });
 */
export function createTabSync(options: {
  onMessage: (message: TabMessage) => void;
  channelName?: string;
}): TabSync {
  // Typed as always present by @types/node, but absent in some browsers' private modes and old runtimes.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (globalThis.BroadcastChannel === undefined)
    return { announce: () => undefined, dispose: () => undefined };
  const channel = new BroadcastChannel(options.channelName ?? DEFAULT_TAB_CHANNEL_NAME);
  let open = true;
  channel.onmessage = (event: MessageEvent) => {
    const message = parseTabMessage(event.data);
    if (open && message !== null) options.onMessage(message);
  };
  return {
    announce: (message) => {
      if (!open) return;
      if (message.type === 'session') {
        const { accessToken, accessTokenExpiresAt, user } = message.session;
        channel.postMessage({ type: 'session', session: { accessToken, accessTokenExpiresAt, user } });
      } else {
        channel.postMessage(message);
      }
    },
    dispose: () => {
      open = false;
      channel.close();
    },
  };
}

/** Accepts only the message shapes this file sends. */
export function parseTabMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, session, reason } = data as { type?: unknown; session?: unknown; reason?: unknown };
  if (type === 'ended' && typeof reason === 'string' && ENDED_REASONS.has(reason)) {
    return { type, reason: reason as EndedReason };
  }
  if (type === 'refreshing') return { type };
  if (type === 'session') {
    const parsed = parseStoredSession(JSON.stringify(session ?? null));
    return parsed === null ? null : { type, session: parsed };
  }
  return null;
}
