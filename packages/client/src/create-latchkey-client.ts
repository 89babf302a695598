/**
 * createLatchkeyClient: the typed tRPC client plus the session around it.
 *
 * Section map: options → the stored session and its state → refresh (through the coordinator) → the auth
 * link's token provider → tab sync → the public methods (signup, login, logout, logoutAll, me, restore,
 * changePassword) → dispose.
 *
 * Two tRPC clients share one configuration: `api` runs every call through the auth link; an internal one
 * without it carries the calls that must not trigger a refresh themselves (login, signup, refresh, logout).
 */
import type { AppRouter } from './api-router.js';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { TRPCClient, TRPCLink } from '@trpc/client';
import { accessTokenLifetimeMs, localAccessTokenExpiry } from './access-token-lifetime.js';
import { describeApiError, isUnauthorized } from './auth-error.js';
import { accessTokenContext, authLink, bearerHeaders } from './auth-link.js';
import type { AccessTokenProvider } from './auth-link.js';
import { createAuthStateHolder } from './auth-state.js';
import type { AnonymousReason, AuthState, AuthStateListener } from './auth-state.js';
import { createRefreshCoordinator } from './refresh-coordinator.js';
import type { LockManagerLike } from './refresh-coordinator.js';
import type { Credentials, Session, SignupInput, StoredSession, User } from './session.js';
import { createTabSync } from './tab-sync.js';
import type { EndedReason, TabMessage } from './tab-sync.js';
import { createMemoryTokenStore } from './token-store.js';
import type { TokenStore } from './token-store.js';

/**
 * Refresh this long before the access token expires (at most half its lifetime), so a call never leaves
 * with a token that dies in flight. RFC 9700 §4.14 leaves the policy to the client; 30 s covers clock
 * drift within a request and a slow network without refreshing a 15-minute token needlessly early.
 */
export const DEFAULT_REFRESH_LEEWAY_SECONDS = 30;

/** The API's MAX_BATCH_SIZE (apps/api/src/http/server.ts): a larger batch is refused as a whole. */
export const DEFAULT_MAX_BATCH_SIZE = 16;

/** How long a tab waits for another tab's announced refresh before refreshing itself. */
const PEER_REFRESH_WAIT_MS = 5_000;

/** How the refresh token travels: an httpOnly cookie (browsers) or the response body (Node, services). */
export type RefreshTransport = 'cookie' | 'body';

export interface LatchkeyClientOptions {
  /** The tRPC endpoint, e.g. `http://localhost:3000/trpc`, or `/trpc` behind a same-origin proxy. */
  readonly url: string;
  readonly transport: RefreshTransport;
  /** Defaults to a memory store. */
  readonly store?: TokenStore;
  /** Defaults to the global fetch; pass one to add logging or to count requests. */
  readonly fetch?: typeof globalThis.fetch;
  readonly refreshLeewaySeconds?: number;
  /** Batch concurrent calls into one HTTP request (default true). */
  readonly batch?: boolean;
  /** At most this many calls per batch request (default 16, the API's limit; it refuses larger batches). */
  readonly maxBatchSize?: number;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sync logins, tokens and logouts across tabs; defaults to on for the cookie transport. */
  readonly tabSync?: boolean;
  /** BroadcastChannel name; tabs with the same name share one session. */
  readonly channelName?: string;
  /** Cross-tab refresh lock; defaults to `navigator.locks` when present, `null` turns it off. */
  readonly locks?: LockManagerLike | null;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  readonly now?: () => number;
}

export type LatchkeyApi = TRPCClient<AppRouter>;

export interface LatchkeyClient {
  /** The typed tRPC client; every call carries a fresh access token. */
  readonly api: LatchkeyApi;
  readonly store: TokenStore;
  readonly transport: RefreshTransport;
  /** With `email`, the server mails a verification link to it; the address is the account's once it is followed. */
  signup(input: SignupInput): Promise<User>;
  login(credentials: Credentials): Promise<User>;
  /**
   * Asks for a password-reset link for a username or an email address. Always resolves the same way whether or
   * not an account has it (the server does not tell); the link goes only to a verified address.
   */
  requestPasswordReset(identifier: string): Promise<void>;
  /** Sets a new password with the token of a reset link; the server ends every session of that account. */
  resetPassword(input: { token: string; newPassword: string }): Promise<void>;
  /** Follows a verification link: the address becomes the account's. Returns it. */
  verifyEmail(token: string): Promise<string>;
  /**
   * Revokes the session on the server, then clears every local trace and tells the other tabs, whatever the
   * server answered. `revokedOnServer` is true when the server revoked it or answered that it was no longer
   * live; false when the API could not be reached or refused the call: the session then still lives on the
   * server (and, with the cookie transport, the browser's cookie can still resume it), which a page should say.
   */
  logout(): Promise<{ revokedOnServer: boolean }>;
  /**
   * Revokes every session of the user (this one included); returns how many were revoked. The API clears the
   * refresh cookie when its session is one of them, and leaves a cookie of another account alone.
   */
  logoutAll(): Promise<number>;
  /** Asks the server who is signed in (and updates the stored user). */
  me(): Promise<User>;
  /** The signed-in user as last known, without a call. */
  currentUser(): User | null;
  /** Changes the password; the server revokes the other sessions and this one continues on new tokens. */
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<User>;
  /**
   * Deletes the account (needs a fresh login and the password); the server ends every session of it and
   * clears the refresh cookie. Then clears every local trace and tells the other tabs (`account-deleted`).
   * A wrong password rejects with CREDENTIALS and changes nothing here.
   */
  deleteAccount(input: { password: string }): Promise<void>;
  /**
   * Restores or re-checks the session: with a stored access token it asks the server (refreshing when
   * needed); without one it refreshes through the cookie (browser) or the stored refresh token (Node).
   * Concurrent calls share one attempt. Never rejects: the outcome is the returned state.
   */
  restore(): Promise<AuthState>;
  getState(): AuthState;
  onAuthStateChange(listener: AuthStateListener): () => void;
  /** Closes the tab channel and abandons lock waits; the client must not be used afterwards. */
  dispose(): void;
}

/**
 * Creates a client.
 *
 * @example
 * // Node: refresh token in the response body, kept in memory.
 * const client = createLatchkeyClient({ url: 'http://localhost:3000/trpc', transport: 'body' });
 * await client.login({ username: 'ada', password: 'correct horse battery staple' });
 * const tasks = await client.api.tasks.list.query();
 */
export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  const { transport } = options;
  const store = options.store ?? createMemoryTokenStore();
  const now = options.now ?? Date.now;
  const leewayMs = (options.refreshLeewaySeconds ?? DEFAULT_REFRESH_LEEWAY_SECONDS) * 1000;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const extraHeaders = options.headers ?? {};
  const state = createAuthStateHolder({ status: 'restoring' });

  // The refresh cookie is only sent (and accepted) when credentials are included; harmless when same-origin.
  const fetchWithCredentials: typeof globalThis.fetch = (input, init) =>
    baseFetch(input, { ...init, credentials: transport === 'cookie' ? 'include' : 'same-origin' });
  const headers = (opts: Parameters<typeof bearerHeaders>[0]): Record<string, string> => ({
    ...extraHeaders,
    ...bearerHeaders(opts),
  });
  const terminatingLink = (): TRPCLink<AppRouter> =>
    options.batch === false
      ? httpLink({ url: options.url, fetch: fetchWithCredentials, headers })
      : httpBatchLink({
          url: options.url,
          fetch: fetchWithCredentials,
          headers,
          maxItems: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
        });

  const rawApi = createTRPCClient<AppRouter>({
    links: [httpLink({ url: options.url, fetch: fetchWithCredentials, headers })],
  });

  // The stored session and its state -------------------------------------------------------------------

  const isUsable = (session: StoredSession): boolean => {
    const lifetimeMs = accessTokenLifetimeMs(session.accessToken);
    const leeway = lifetimeMs === null ? leewayMs : Math.min(leewayMs, lifetimeMs / 2);
    return now() < session.accessTokenExpiresAt - leeway;
  };

  const acceptSession = (session: Session): StoredSession => {
    const previous = store.read();
    const refreshToken = transport === 'body' ? (session.refreshToken ?? previous?.refreshToken) : undefined;
    const stored: StoredSession = {
      accessToken: session.accessToken,
      accessTokenExpiresAt: localAccessTokenExpiry(session.accessToken, session.accessTokenExpiresAt, now()),
      user: session.user,
      ...(refreshToken === undefined ? {} : { refreshToken }),
    };
    store.write(stored);
    state.set({ status: 'authenticated', user: stored.user });
    tabSync.announce({ type: 'session', session: stored });
    return stored;
  };

  const endSession = (reason: AnonymousReason, announce: EndedReason | null): void => {
    store.clear();
    state.set({ status: 'anonymous', reason });
    if (announce !== null) tabSync.announce({ type: 'ended', reason: announce });
  };

  // Refresh ---------------------------------------------------------------------------------------------

  const refreshNow = async (): Promise<StoredSession> => {
    const current = store.read();
    const hadSession = current !== null || state.get().status === 'authenticated';
    if (transport === 'body' && current?.refreshToken === undefined) {
      endSession(hadSession ? 'expired' : 'none', null);
      throw new Error('No refresh token is stored: log in first');
    }
    try {
      const session = await rawApi.auth.refresh.mutate(
        transport === 'body' ? { refreshToken: current?.refreshToken, refreshTransport: 'body' } : {},
      );
      return acceptSession(session);
    } catch (error) {
      if (isUnauthorized(error)) {
        const revoked = describeApiError(error).reason === 'REVOKED';
        if (revoked) endSession('revoked', 'revoked');
        else if (hadSession) endSession('expired', 'expired');
        else endSession('none', null);
      }
      throw error;
    }
  };

  // A refresh another tab announced and has not reported on yet (see refresh-coordinator.ts).
  let peerRefresh: { readonly settled: Promise<void>; readonly settle: () => void } | null = null;
  const settlePeerRefresh = (): void => {
    peerRefresh?.settle();
    peerRefresh = null;
  };
  const peerRefreshStarted = (): void => {
    settlePeerRefresh();
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    // A tab closed mid-refresh never reports: stop waiting for it after a while and refresh here.
    const timer = setTimeout(settlePeerRefresh, PEER_REFRESH_WAIT_MS);
    peerRefresh = {
      settled,
      settle: () => {
        clearTimeout(timer);
        settle();
      },
    };
  };

  const coordinator = createRefreshCoordinator({
    refresh: refreshNow,
    current: () => store.read(),
    isUsable,
    announceRefreshStart: () => {
      tabSync.announce({ type: 'refreshing' });
    },
    peerRefreshSettled: () => peerRefresh?.settled ?? Promise.resolve(),
    ...(options.locks === undefined ? {} : { locks: options.locks }),
  });

  let restoring: Promise<AuthState> | null = null;

  // The auth link's token provider ----------------------------------------------------------------------

  const provider: AccessTokenProvider = {
    tokenForRequest: async () => {
      // A call made while the page is still restoring waits for it instead of going out without a token.
      if (restoring !== null && store.read() === null) await restoring;
      const current = store.read();
      if (current === null) return null;
      if (isUsable(current)) return current.accessToken;
      return (await coordinator.refresh(current.accessToken)).accessToken;
    },
    tokenAfterExpiry: async (rejectedToken) => (await coordinator.refresh(rejectedToken)).accessToken,
    sessionRevoked: () => {
      endSession('revoked', 'revoked');
    },
  };

  const api = createTRPCClient<AppRouter>({ links: [authLink<AppRouter>(provider), terminatingLink()] });

  // Tab sync --------------------------------------------------------------------------------------------

  const applyTabMessage = (message: TabMessage): void => {
    if (message.type === 'refreshing') {
      peerRefreshStarted();
      return;
    }
    if (message.type === 'session') {
      store.write(message.session);
      state.set({ status: 'authenticated', user: message.session.user });
    } else {
      store.clear();
      state.set({ status: 'anonymous', reason: message.reason });
    }
    settlePeerRefresh();
  };
  const tabSync =
    (options.tabSync ?? transport === 'cookie')
      ? createTabSync({
          onMessage: applyTabMessage,
          ...(options.channelName === undefined ? {} : { channelName: options.channelName }),
        })
      : { announce: (): void => undefined, dispose: (): void => undefined };

  // Public methods --------------------------------------------------------------------------------------

  const refreshTransportInput = transport === 'body' ? { refreshTransport: 'body' as const } : {};

  const restoreOnce = async (): Promise<AuthState> => {
    const before = state.get();
    const current = store.read();
    if (current === null) {
      // Signed out in this tab (or told so by another): nothing to ask the server, the tab channel reports
      // a login elsewhere. After an unreachable API, or on first load, the cookie is the only way back.
      if (before.status === 'anonymous' && before.reason !== 'unreachable') return before;
      if (transport === 'body') {
        endSession('none', null);
        return state.get();
      }
    }
    if (before.status !== 'authenticated') state.set({ status: 'restoring' });
    try {
      if (current === null) {
        await coordinator.refresh(null);
        return state.get();
      }
      try {
        const user = await api.auth.me.query();
        const latest = store.read();
        if (latest !== null) store.write({ ...latest, user });
        state.set({ status: 'authenticated', user });
      } catch (error) {
        // A token the server no longer accepts (keys rotated, another server): one refresh settles it.
        const reason = describeApiError(error).reason;
        if (!isUnauthorized(error) || reason === 'REVOKED' || state.get().status === 'anonymous') throw error;
        await coordinator.refresh(current.accessToken);
      }
    } catch (error) {
      if (!isUnauthorized(error) && state.get().status !== 'anonymous') {
        state.set({ status: 'anonymous', reason: 'unreachable' });
      }
    }
    return state.get();
  };

  return {
    api,
    store,
    transport,
    signup: async (input) =>
      acceptSession(await rawApi.auth.signup.mutate({ ...input, ...refreshTransportInput })).user,
    requestPasswordReset: async (identifier) => {
      await rawApi.auth.requestPasswordReset.mutate({ identifier });
    },
    resetPassword: async (input) => {
      // The link may be for another account than the one signed in here, so the local session is left to
      // find out at its next call (REVOKED) whether the reset ended it.
      await rawApi.auth.resetPassword.mutate(input);
    },
    verifyEmail: async (token) => (await rawApi.auth.verifyEmail.mutate({ token })).email,
    login: async (credentials) => {
      // Body transport only: a browser's device token travels in its httpOnly cookie (see token-store.ts).
      const deviceToken = transport === 'body' ? store.readDeviceToken(credentials.username) : null;
      const session = await rawApi.auth.login.mutate({
        ...credentials,
        ...refreshTransportInput,
        ...(deviceToken === null ? {} : { deviceToken }),
      });
      if (session.deviceToken !== undefined)
        store.writeDeviceToken(session.user.username, session.deviceToken);
      return acceptSession(session).user;
    },
    logout: async () => {
      const current = store.read();
      let revokedOnServer = false;
      try {
        await rawApi.auth.logout.mutate(transport === 'body' ? { refreshToken: current?.refreshToken } : {}, {
          context: accessTokenContext(current !== null && isUsable(current) ? current.accessToken : null),
        });
        revokedOnServer = true;
      } catch (error) {
        // Already revoked, expired or unknown to the server (401) is as good as revoked; anything else (the API
        // not reached, a 403) leaves the session live on the server, and is reported.
        revokedOnServer = isUnauthorized(error);
      } finally {
        endSession('logged-out', 'logged-out');
      }
      return { revokedOnServer };
    },
    logoutAll: async () => {
      const { revoked } = await api.auth.logoutAll.mutate();
      endSession('logged-out', 'logged-out');
      return revoked;
    },
    me: async () => {
      const user = await api.auth.me.query();
      const latest = store.read();
      if (latest !== null) store.write({ ...latest, user });
      state.set({ status: 'authenticated', user });
      return user;
    },
    currentUser: () => {
      const current = state.get();
      return current.status === 'authenticated' ? current.user : null;
    },
    changePassword: async (input) => acceptSession(await api.auth.changePassword.mutate(input)).user,
    deleteAccount: async (input) => {
      await api.auth.deleteAccount.mutate(input);
      endSession('account-deleted', 'account-deleted');
    },
    restore: () => {
      restoring ??= restoreOnce().finally(() => {
        restoring = null;
      });
      return restoring;
    },
    getState: () => state.get(),
    onAuthStateChange: (listener) => state.subscribe(listener),
    dispose: () => {
      settlePeerRefresh();
      coordinator.dispose();
      tabSync.dispose();
    },
  };
}
