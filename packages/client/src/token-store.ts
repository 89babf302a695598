/**
 * Where the client keeps the access token, its expiry and the user.
 *
 * - `memory` (default, recommended): gone on reload; in a browser the httpOnly refresh cookie restores it.
 * - `localStorage`: survives reloads and is shared by tabs, but any script on the page can read it (XSS).
 * - `sessionStorage`: per tab, survives reloads of that tab; the same XSS exposure.
 *
 * A browser's refresh token lives in the httpOnly cookie and never reaches these stores; web-storage stores
 * drop a refresh token even if one is handed to them, so a script on the page can never steal one.
 *
 * A store also keeps the device token `auth.login` hands a body-transport client, per username, and gives it
 * back on the next login so that device is counted apart from strangers who spend the account's lock-out. It
 * is not a credential for a session (it opens nothing without the password), so it outlives `clear()`: a
 * logged-out device is still one that logged in before. It is kept where the refresh token is: in memory for
 * the memory store, never in web storage (a browser has the httpOnly device cookie, out of any script's reach).
 */
import type { StoredSession, User } from './session.js';

export type StorageMode = 'memory' | 'localStorage' | 'sessionStorage';

export const STORAGE_MODES: readonly StorageMode[] = ['memory', 'localStorage', 'sessionStorage'];

/** Synchronous on purpose: every read happens on the request path, and Web Storage is synchronous. */
export interface TokenStore {
  readonly mode: StorageMode;
  read(): StoredSession | null;
  write(session: StoredSession): void;
  clear(): void;
  /** The device token last issued for `username` (compared case-insensitively, as the API does), or null. */
  readDeviceToken(username: string): string | null;
  writeDeviceToken(username: string, deviceToken: string): void;
}

/** The part of the Web Storage API the stores use (localStorage, sessionStorage, or any look-alike). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The key under which web-storage stores keep the session. */
export const SESSION_STORAGE_KEY = 'latchkey.session';

/**
 * A store that keeps the session in a variable: nothing for another script or a disk to find.
 *
 * @example
 * const client = createLatchkeyClient({ url, transport: 'body', store: createMemoryTokenStore() });
 */
export function createMemoryTokenStore(): TokenStore {
  let session: StoredSession | null = null;
  const deviceTokens = new Map<string, string>();
  return {
    mode: 'memory',
    read: () => session,
    write: (next) => {
      session = next;
    },
    clear: () => {
      session = null;
    },
    readDeviceToken: (username) => deviceTokens.get(deviceTokenKey(username)) ?? null,
    writeDeviceToken: (username, deviceToken) => {
      deviceTokens.set(deviceTokenKey(username), deviceToken);
    },
  };
}

/**
 * A store over `localStorage` or `sessionStorage` (or any `KeyValueStorage`). What it reads back is checked, so a
 * value another script or an older version wrote is discarded instead of crashing the app.
 */
export function createWebStorageTokenStore(
  mode: 'localStorage' | 'sessionStorage',
  storage: KeyValueStorage,
  key: string = SESSION_STORAGE_KEY,
): TokenStore {
  return {
    mode,
    read: () => {
      const raw = storage.getItem(key);
      if (raw === null) return null;
      const session = parseStoredSession(raw);
      if (session === null) storage.removeItem(key);
      return session;
    },
    write: (session) => {
      const { accessToken, accessTokenExpiresAt, user } = session;
      storage.setItem(key, JSON.stringify({ accessToken, accessTokenExpiresAt, user }));
    },
    clear: () => {
      storage.removeItem(key);
    },
    // Like the refresh token, never written here: the browser's device cookie does this job unseen by scripts.
    readDeviceToken: () => null,
    writeDeviceToken: () => undefined,
  };
}

/**
 * The store for a storage mode in this environment. Web storage modes need `globalThis.localStorage` /
 * `sessionStorage` (a browser); asking for them elsewhere is an error rather than a silent memory fallback.
 */
export function createTokenStore(mode: StorageMode): TokenStore {
  if (mode === 'memory') return createMemoryTokenStore();
  // Absent in Node; a locked-down browser may also throw on access.
  const storage = (globalThis as Partial<Record<StorageMode, KeyValueStorage>>)[mode];
  if (storage === undefined) throw new Error(`${mode} is not available in this environment`);
  return createWebStorageTokenStore(mode, storage);
}

// The API counts usernames case-insensitively (NFKC, lower case): "Ada" and "ada" are one account.
function deviceTokenKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

/** Parses what a web-storage store wrote; null for anything else. */
export function parseStoredSession(raw: string): StoredSession | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const { accessToken, accessTokenExpiresAt, user } = value;
  if (typeof accessToken !== 'string' || accessToken === '') return null;
  if (typeof accessTokenExpiresAt !== 'number' || !Number.isFinite(accessTokenExpiresAt)) return null;
  if (!isUser(user)) return null;
  return { accessToken, accessTokenExpiresAt, user };
}

function isUser(value: unknown): value is User {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.username === 'string' &&
    typeof value.role === 'string' &&
    typeof value.createdAt === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
