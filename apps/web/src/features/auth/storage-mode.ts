// The storage-mode preference: which token store the app uses. It is not a secret, so it persists in
// localStorage whatever the mode is; an unknown or missing value means the recommended default, memory.
import type { KeyValueStorage, StorageMode } from '@latchkey/client';
import { STORAGE_MODES } from '@latchkey/client';

export const STORAGE_MODE_PREFERENCE_KEY = 'latchkey.storage-mode';

export const DEFAULT_STORAGE_MODE: StorageMode = 'memory';

/** What each mode is called and its trade-off, in one line each (shown next to the setting). */
export const STORAGE_MODE_DESCRIPTIONS: Readonly<Record<StorageMode, { label: string; tradeOff: string }>> = {
  memory: {
    label: 'Memory (recommended)',
    tradeOff:
      'Access token only in memory, refresh token in an httpOnly cookie: no script can read either; a reload restores the session through the cookie.',
  },
  localStorage: {
    label: 'localStorage',
    tradeOff:
      'Survives reloads and is shared by tabs, but any script on the page can read the access token (XSS exposure).',
  },
  sessionStorage: {
    label: 'sessionStorage',
    tradeOff: 'Kept per tab and survives reloads of that tab; the same XSS exposure as localStorage.',
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
