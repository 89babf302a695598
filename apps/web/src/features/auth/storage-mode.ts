// The storage-mode preference: which token store the app uses. It is not a secret, so it persists in
// localStorage whatever the mode is; an unknown or missing value means the recommended default, memory.
import type { KeyValueStorage, StorageMode } from '@latchkey/client';
import { STORAGE_MODES } from '@latchkey/client';

export const STORAGE_MODE_PREFERENCE_KEY = 'latchkey.storage-mode';

export const DEFAULT_STORAGE_MODE: StorageMode = 'memory';

/**
 * What each mode is called and its trade-off, in a sentence or two each (shown next to the setting): what a
 * script injected into the page (XSS) can and cannot do. In every mode the refresh token is in the httpOnly
 * cookie, and the API answers a cookie refresh only through the cookie, so no script can read it or have it
 * handed over; what differs is where the access token sits, and for how long a script can find it there.
 */
export const STORAGE_MODE_DESCRIPTIONS: Readonly<Record<StorageMode, { label: string; tradeOff: string }>> = {
  memory: {
    label: 'Memory (recommended)',
    tradeOff:
      'Access token only in this page’s memory, refresh token in an httpOnly cookie. A script injected into the page (XSS) can still act as you while the page is open, and could read the access token from memory, but it cannot carry the refresh token away: what it takes dies with the access token, or at once when you log out. A reload restores the session through the cookie.',
  },
  localStorage: {
    label: 'localStorage',
    tradeOff:
      'Survives reloads and is shared by tabs, but any script on the page (XSS), even on a later visit, can read the access token from storage and use it elsewhere until it expires or you log out. The refresh token stays out of its reach in the httpOnly cookie.',
  },
  sessionStorage: {
    label: 'sessionStorage',
    tradeOff:
      'Kept per tab and survives reloads of that tab; the same XSS exposure of the access token as localStorage while the tab lives. The refresh token stays out of its reach in the httpOnly cookie.',
  },
};

export function isStorageMode(value: unknown): value is StorageMode {
  return typeof value === 'string' && (STORAGE_MODES as readonly string[]).includes(value);
}

/** Reads the preference; anything unreadable is the default. */
export function readStorageModePreference(storage: KeyValueStorage | null): StorageMode {
  try {
    const value = storage?.getItem(STORAGE_MODE_PREFERENCE_KEY);
    return isStorageMode(value) ? value : DEFAULT_STORAGE_MODE;
  } catch {
    // Storage disabled by the browser's settings: the default is the safe answer.
    return DEFAULT_STORAGE_MODE;
  }
}

export function writeStorageModePreference(storage: KeyValueStorage | null, mode: StorageMode): void {
  try {
    storage?.setItem(STORAGE_MODE_PREFERENCE_KEY, mode);
  } catch {
    // Not persisted; the choice still applies to this page.
  }
}
