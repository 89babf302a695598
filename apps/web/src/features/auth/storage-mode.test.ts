import type { KeyValueStorage } from '@latchkey/client';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STORAGE_MODE,
  readStorageModePreference,
  STORAGE_MODE_DESCRIPTIONS,
  STORAGE_MODE_PREFERENCE_KEY,
  writeStorageModePreference,
} from './storage-mode.js';

function mapStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, value),
    removeItem: (key) => items.delete(key),
  };
}

describe('storage-mode preference', () => {
  it('defaults to memory, the recommended mode', () => {
    expect(DEFAULT_STORAGE_MODE).toBe('memory');
    expect(readStorageModePreference(mapStorage())).toBe('memory');
    expect(readStorageModePreference(null)).toBe('memory');
  });

  it('remembers the choice', () => {
    const storage = mapStorage();
    writeStorageModePreference(storage, 'sessionStorage');
    expect(storage.items.get(STORAGE_MODE_PREFERENCE_KEY)).toBe('sessionStorage');
    expect(readStorageModePreference(storage)).toBe('sessionStorage');
  });

  it('treats an unknown value as the default rather than trusting it', () => {
    const storage = mapStorage();
    storage.setItem(STORAGE_MODE_PREFERENCE_KEY, 'cookies');
    expect(readStorageModePreference(storage)).toBe('memory');
  });

  it('falls back to the default when the browser refuses storage access', () => {
    const refusing: KeyValueStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem: () => undefined,
    };
    expect(readStorageModePreference(refusing)).toBe('memory');
    expect(() => {
      writeStorageModePreference(refusing, 'localStorage');
    }).not.toThrow();
  });

  it('states what a script on the page (XSS) can do in every mode, memory included', () => {
    for (const mode of ['memory', 'localStorage', 'sessionStorage'] as const) {
      const { tradeOff } = STORAGE_MODE_DESCRIPTIONS[mode];
      expect(tradeOff, mode).toMatch(/XSS/);
      expect(tradeOff, mode).toMatch(/refresh token .*httpOnly cookie/);
    }
    // Memory mode does not claim that no script can do anything: it can still act while the page is open.
    expect(STORAGE_MODE_DESCRIPTIONS.memory.tradeOff).not.toMatch(/no script/i);
    expect(STORAGE_MODE_DESCRIPTIONS.memory.tradeOff).toMatch(/while the page is open/);
  });
});
