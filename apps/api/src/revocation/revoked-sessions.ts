/**
 * The in-memory set of revoked session ids one API instance checks on every request. An entry is kept until
 * every access token of that session has expired (revokedAt + access-token TTL + clock tolerance), then pruned:
 * after that the token's own `exp` refuses it, so the set stays as small as the recent revocations.
 */
export class RevokedSessions {
  readonly #expiryMsBySession = new Map<string, number>();
  readonly #retentionMs: number;
  readonly #now: () => Date;
  #nextPruneMs = 0;

  constructor(options: { retentionSeconds: number; now: () => Date }) {
    this.#retentionMs = options.retentionSeconds * 1000;
    this.#now = options.now;
  }

  /** Remembers that `sessionId` was revoked at `revokedAt` (idempotent; keeps the later expiry). */
  add(sessionId: string, revokedAt: Date): void {
    const expiryMs = revokedAt.getTime() + this.#retentionMs;
    const known = this.#expiryMsBySession.get(sessionId);
    if (known === undefined || known < expiryMs) this.#expiryMsBySession.set(sessionId, expiryMs);
    this.#pruneEvery();
  }

  has(sessionId: string): boolean {
    const expiryMs = this.#expiryMsBySession.get(sessionId);
    if (expiryMs === undefined) return false;
    if (expiryMs > this.#now().getTime()) return true;
    this.#expiryMsBySession.delete(sessionId);
    return false;
  }

  get size(): number {
    return this.#expiryMsBySession.size;
  }

  /** Drops entries whose access tokens have all expired. */
  prune(): void {
    const nowMs = this.#now().getTime();
    for (const [sessionId, expiryMs] of this.#expiryMsBySession) {
      if (expiryMs <= nowMs) this.#expiryMsBySession.delete(sessionId);
    }
  }

  // Amortised: at most one full sweep per retention/10, however many revocations arrive.
  #pruneEvery(): void {
    const nowMs = this.#now().getTime();
    if (nowMs < this.#nextPruneMs) return;
    this.#nextPruneMs = nowMs + Math.max(1000, this.#retentionMs / 10);
    this.prune();
  }
}
