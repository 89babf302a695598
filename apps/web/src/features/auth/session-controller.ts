// The app's one session: the Latchkey client for the chosen storage mode, its auth state, and whether a
// re-check is under way (page load, back/forward). React reads it through useSyncExternalStore.
//
// Why a controller outside React: the client must outlive components (StrictMode mounts effects twice,
// and a client per mount would open two tab channels), and the page-lifecycle events that trigger
// re-checks (DOMContentLoaded, popstate, pageshow) happen outside React.
import { createLatchkeyClient, createTokenStore } from '@latchkey/client';
import type { AuthState, KeyValueStorage, LatchkeyClient, StorageMode, TokenStore } from '@latchkey/client';
import { readStorageModePreference, writeStorageModePreference } from './storage-mode.js';

export interface SessionSnapshot {
  readonly client: LatchkeyClient;
  readonly auth: AuthState;
  /** True while the session is being restored or re-checked: protected pages wait. */
  readonly checking: boolean;
  readonly mode: StorageMode;
}

// Properties rather than methods: React calls getSnapshot and subscribe detached from the object.
export interface SessionController {
  readonly getSnapshot: () => SessionSnapshot;
  readonly subscribe: (listener: () => void) => () => void;
  /** Restores (first load) or re-checks (back/forward) the session; protected pages wait meanwhile. */
  readonly recheck: () => Promise<void>;
  /** Hides protected pages until the next `recheck` (the page is going into the back-forward cache). */
  readonly suspend: () => void;
  /** Switches the token store, carrying the current session over and wiping the old store. */
  readonly setMode: (mode: StorageMode) => void;
  readonly dispose: () => void;
}

export interface SessionControllerOptions {
  readonly apiUrl: string;
  /** Where the storage-mode preference lives (localStorage in the app). */
  readonly preferences: KeyValueStorage | null;
  /** Called when the signed-in user changes or signs out: the query cache must not outlive them. */
  readonly onUserChange: () => void;
}

/** The store for a mode; memory when the browser refuses web storage (privacy settings throw on access). */
function storeFor(mode: StorageMode): TokenStore {
  try {
    return createTokenStore(mode);
  } catch {
    return createTokenStore('memory');
  }
}

/** Removes any session kept in localStorage or sessionStorage, whichever mode wrote it. */
function wipeWebStores(): void {
  for (const mode of ['localStorage', 'sessionStorage'] as const) {
    try {
      createTokenStore(mode).clear();
    } catch {
      // Storage unavailable (disabled by the browser): nothing can be in it.
    }
  }
}

export function createSessionController(options: SessionControllerOptions): SessionController {
  const listeners = new Set<() => void>();
  const makeClient = (wanted: StorageMode): LatchkeyClient =>
    createLatchkeyClient({ url: options.apiUrl, transport: 'cookie', store: storeFor(wanted) });

  let client = makeClient(readStorageModePreference(options.preferences));
  let mode = client.store.mode;
  let snapshot: SessionSnapshot = { client, auth: client.getState(), checking: true, mode };
  let pendingChecks = 0;
  let unsubscribeClient: () => void = () => undefined;

  const publish = (next: Partial<SessionSnapshot>): void => {
    const previous = snapshot;
    snapshot = { ...snapshot, ...next };
    const previousUser = previous.auth.status === 'authenticated' ? previous.auth.user.id : null;
    const nextUser = snapshot.auth.status === 'authenticated' ? snapshot.auth.user.id : null;
    if (previousUser !== nextUser && previousUser !== null) options.onUserChange();
    for (const listener of [...listeners]) listener();
  };

  const attach = (target: LatchkeyClient): void => {
    unsubscribeClient();
    unsubscribeClient = target.onAuthStateChange((auth) => {
      // The client clears its own store; a session left in the other web store by an earlier mode goes too.
      if (auth.status === 'anonymous') wipeWebStores();
      publish({ auth });
    });
  };
  attach(client);

  return {
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    recheck: async () => {
      pendingChecks += 1;
      if (!snapshot.checking) publish({ checking: true });
      try {
        await client.restore();
      } finally {
        pendingChecks -= 1;
        if (pendingChecks === 0) publish({ checking: false, auth: client.getState() });
      }
    },
    suspend: () => {
      if (!snapshot.checking) publish({ checking: true });
    },
    setMode: (next) => {
      if (next === mode) return;
      writeStorageModePreference(options.preferences, next);
      const session = client.store.read();
      client.store.clear();
      client.dispose();
      client = makeClient(next);
      mode = client.store.mode;
      if (session !== null) client.store.write(session);
      attach(client);
      publish({ client, mode, checking: true });
      void client.restore().finally(() => {
        publish({ checking: false, auth: client.getState() });
      });
    },
    dispose: () => {
      unsubscribeClient();
      client.dispose();
      listeners.clear();
    },
  };
}
