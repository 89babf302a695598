/**
 * A bounded cache of access tokens that already passed full verification, keyed by the exact token string.
 *
 * Why: jose verifies through WebCrypto, which costs far more per call than the token is worth re-checking
 * when the same client sends it on every request. What keeps it safe:
 * - the key is the whole token string, so any altered token is a different key and a miss;
 * - an entry is never served at or after its `exp` (by the caller's clock), so the cache cannot stretch a
 *   token's life; revocation is checked by the API on every request, cache hit or not;
 * - the size is bounded; a Map keeps insertion order, and a hit re-inserts its entry, so the first key is
 *   always the least recently used one and eviction is O(1).
 */
export class VerifiedTokenCache<T> {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { readonly value: T; readonly expiresAtMs: number }>();

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value while `nowMs` is before its expiry; an expired entry is deleted, not served. */
  get(token: string, nowMs: number): T | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.#entries.set(token, entry);
    return entry.value;
  }

  /** Remembers a verified token until `expiresAtMs`, evicting the least recently used entry when full. */
  set(token: string, value: T, expiresAtMs: number, nowMs: number): void {
    if (this.#maxEntries <= 0 || nowMs >= expiresAtMs) return;
    this.#entries.delete(token);
    this.#entries.set(token, { value, expiresAtMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }
}
