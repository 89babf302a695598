import { describe, expect, it } from 'vitest';
import type { StoredSession } from './session.js';
import {
  createMemoryTokenStore,
  createTokenStore,
  createWebStorageTokenStore,
  parseStoredSession,
  SESSION_STORAGE_KEY,
} from './token-store.js';
import type { KeyValueStorage, TokenStore } from './token-store.js';

/** Node has no Web Storage; this is the environment's part, the store under test is the real one. */
class MapStorage implements KeyValueStorage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
}

const session: StoredSession = {
  accessToken: 'header.payload.signature',
  accessTokenExpiresAt: 1_700_000_900_000,
  user: { id: 'u1', username: 'ada', role: 'user', createdAt: '2026-11-22T00:00:00.000Z' },
};

const stores: [string, () => TokenStore][] = [
  ['memory', () => createMemoryTokenStore()],
  ['localStorage', () => createWebStorageTokenStore('localStorage', new MapStorage())],
  ['sessionStorage', () => createWebStorageTokenStore('sessionStorage', new MapStorage())],
];

describe.each(stores)('%s store', (_name, create) => {
  it('starts empty, returns what was written, and is empty again after clear', () => {
    const store = create();
    expect(store.read()).toBeNull();
    store.write(session);
    expect(store.read()).toEqual(session);
    store.clear();
    expect(store.read()).toBeNull();
  });

  it('replaces the previous session on write', () => {
    const store = create();
    store.write(session);
    store.write({ ...session, accessToken: 'a.b.c' });
    expect(store.read()?.accessToken).toBe('a.b.c');
  });
});

describe('memory store', () => {
  it('keeps a device token per username, case-insensitively, through clear()', () => {
    const store = createMemoryTokenStore();
    store.write(session);
    store.writeDeviceToken('Ada', 'lkd1.ada');
    store.writeDeviceToken('grace', 'lkd1.grace');
    store.clear();
    expect(store.read()).toBeNull();
    expect(store.readDeviceToken('ada')).toBe('lkd1.ada');
    expect(store.readDeviceToken('GRACE')).toBe('lkd1.grace');
    expect(store.readDeviceToken('linus')).toBeNull();
  });
});

describe('web storage store', () => {
  it('never persists a device token: the browser keeps it in the httpOnly device cookie', () => {
    const storage = new MapStorage();
    const store = createWebStorageTokenStore('localStorage', storage);
    store.write(session);
    store.writeDeviceToken('ada', 'lkd1.secret-device-token');
    expect(storage.getItem(SESSION_STORAGE_KEY)).not.toContain('lkd1.secret-device-token');
    expect(store.readDeviceToken('ada')).toBeNull();
  });

  it('never persists a refresh token, even when handed one', () => {
    const storage = new MapStorage();
    const store = createWebStorageTokenStore('localStorage', storage);
    store.write({ ...session, refreshToken: 'secret-refresh-token' });
    expect(storage.getItem(SESSION_STORAGE_KEY)).not.toContain('secret-refresh-token');
    expect(store.read()).toEqual(session);
  });

  it('discards and removes a value it cannot trust', () => {
    const storage = new MapStorage();
    const store = createWebStorageTokenStore('sessionStorage', storage);
    storage.setItem(SESSION_STORAGE_KEY, '{"accessToken":"x","accessTokenExpiresAt":"soon"}');
    expect(store.read()).toBeNull();
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('shares one session between two stores over the same storage (two tabs on localStorage)', () => {
    const storage = new MapStorage();
    createWebStorageTokenStore('localStorage', storage).write(session);
    expect(createWebStorageTokenStore('localStorage', storage).read()).toEqual(session);
  });
});

describe('parseStoredSession', () => {
  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an empty token', JSON.stringify({ ...session, accessToken: '' })],
    ['a missing user', JSON.stringify({ accessToken: 'a', accessTokenExpiresAt: 1 })],
    [
      'a user without a role',
      JSON.stringify({ ...session, user: { id: 'u1', username: 'ada', createdAt: 'x' } }),
    ],
    ['an infinite expiry', JSON.stringify({ ...session, accessTokenExpiresAt: null })],
  ])('rejects %s', (_case, raw) => {
    expect(parseStoredSession(raw)).toBeNull();
  });
});

describe('createTokenStore', () => {
  it('refuses web storage where there is none instead of silently keeping tokens elsewhere', () => {
    expect(() => createTokenStore('localStorage')).toThrow(
      'localStorage is not available in this environment',
    );
    expect(createTokenStore('memory').mode).toBe('memory');
  });
});
