/**
 * Follows the API's revocation feed (`GET /revocations`, apps/api/README.md) so a service refuses a logged-out
 * session's tokens as soon as the API does, without a request to the API per token.
 *
 * The feed is a long-poll: each request sends the cursor the previous answer gave and is held by the API until
 * a revocation is committed or `waitSeconds` pass. A dropped connection is retried with the same cursor, so no
 * revocation is missed however long the outage. The set keeps each session for the retention the API names
 * (its access-token lifetime plus clock tolerance); after that the token's own `exp` refuses it.
 *
 * Fail closed: `check` throws UNAVAILABLE before the first answer, and once no answer has arrived for
 * `maxStalenessSeconds`, because a revocation may have been committed that this service does not know of.
 */
import { VerifierConfigError, VerifierError } from './errors.js';
import { basicAuthorization, type ServiceClientCredentials } from './service-client.js';

/** How long the API may hold one poll; it caps this at its own maximum. */
export const DEFAULT_FEED_WAIT_SECONDS = 20;
/** How long without an answer before tokens are refused: one held poll and ten seconds to reconnect. */
export const DEFAULT_FEED_MAX_STALENESS_SECONDS = 30;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;
// A silent network drop leaves a request hanging: abort it a little after the longest hold.
const REQUEST_SLACK_MS = 5000;

export interface RevocationFeedOptions {
  apiUrl: string;
  credentials: ServiceClientCredentials;
  waitSeconds?: number;
  maxStalenessSeconds?: number;
  /** Told about every failed poll (the next one is already scheduled): log it, never the credentials. */
  onError?: (error: Error) => void;
  now?: () => Date;
}

interface FeedAnswer {
  cursor: string;
  retentionSeconds: number;
  revoked: { sessionId: string; revokedAt: string }[];
}

export class RevocationFeed {
  readonly #url: URL;
  readonly #authorization: string;
  readonly #waitSeconds: number;
  readonly #maxStalenessMs: number;
  readonly #onError: (error: Error) => void;
  readonly #now: () => Date;
  readonly #expiryMsBySession = new Map<string, number>();
  #cursor: string | null = null;
  #syncedAtMs: number | null = null;
  #abort: AbortController | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;

  constructor(options: RevocationFeedOptions) {
    this.#url = new URL('/revocations', options.apiUrl);
    this.#authorization = basicAuthorization(options.credentials);
    this.#waitSeconds = options.waitSeconds ?? DEFAULT_FEED_WAIT_SECONDS;
    this.#maxStalenessMs = (options.maxStalenessSeconds ?? DEFAULT_FEED_MAX_STALENESS_SECONDS) * 1000;
    this.#onError = options.onError ?? ((): void => undefined);
    this.#now = options.now ?? ((): Date => new Date());
    if (!Number.isInteger(this.#waitSeconds) || this.#waitSeconds < 0) {
      throw new VerifierConfigError('waitSeconds must be a non-negative integer');
    }
    if (!(this.#maxStalenessMs > this.#waitSeconds * 1000)) {
      throw new VerifierConfigError('maxStalenessSeconds must be greater than waitSeconds');
    }
  }

  /** Reads the current window (rejects when the API cannot be reached), then follows the feed. */
  async start(): Promise<void> {
    if (this.#running !== null) return;
    this.#stopped = false;
    await this.#pollOnce(0);
    this.#running = this.#follow();
  }

  /** Stops following; a poll in flight is aborted. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#running;
    this.#running = null;
  }

  /** Throws SESSION_REVOKED for a revoked session, UNAVAILABLE while the feed is not in sync. */
  check(sessionId: string): void {
    const nowMs = this.#now().getTime();
    if (this.#syncedAtMs === null) throw new VerifierError('UNAVAILABLE', 'FEED_NOT_SYNCED');
    if (nowMs - this.#syncedAtMs > this.#maxStalenessMs) throw new VerifierError('UNAVAILABLE', 'FEED_STALE');
    const expiryMs = this.#expiryMsBySession.get(sessionId);
    if (expiryMs !== undefined && expiryMs > nowMs) throw new VerifierError('SESSION_REVOKED', 'REVOKED');
  }

  /** Sessions held now (revoked within the retention): what a test or a metrics endpoint reads. */
  get size(): number {
    return this.#expiryMsBySession.size;
  }

  async #follow(): Promise<void> {
    let retryMs = RETRY_MIN_MS;
    while (!this.#stopped) {
      try {
        await this.#pollOnce(this.#waitSeconds);
        retryMs = RETRY_MIN_MS;
      } catch (error) {
        // stop() sets it while the poll awaits, which the type checker's narrowing cannot see.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (this.#stopped) return;
        this.#onError(error instanceof Error ? error : new Error(String(error)));
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, retryMs).unref();
        });
        this.#wake = null;
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
      }
    }
  }

  async #pollOnce(waitSeconds: number): Promise<void> {
    const url = new URL(this.#url);
    if (this.#cursor !== null) url.searchParams.set('cursor', this.#cursor);
    url.searchParams.set('wait', String(waitSeconds));
    const abort = new AbortController();
    this.#abort = abort;
    const timer = setTimeout(
      () => {
        abort.abort();
      },
      waitSeconds * 1000 + REQUEST_SLACK_MS,
    );
    try {
      const response = await fetch(url, {
        headers: { authorization: this.#authorization, accept: 'application/json' },
        signal: abort.signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`revocation feed answered HTTP ${response.status}`);
      }
      this.#apply(parseAnswer(await response.json()));
    } finally {
      clearTimeout(timer);
      this.#abort = null;
    }
  }

  #apply(answer: FeedAnswer): void {
    const nowMs = this.#now().getTime();
    const retentionMs = answer.retentionSeconds * 1000;
    for (const { sessionId, revokedAt } of answer.revoked) {
      // From the later of the revocation and now, as the API keeps it: a clock behind still covers every token.
      const expiryMs = Math.max(Date.parse(revokedAt), nowMs) + retentionMs;
      const known = this.#expiryMsBySession.get(sessionId);
      if (known === undefined || known < expiryMs) this.#expiryMsBySession.set(sessionId, expiryMs);
    }
    for (const [sessionId, expiryMs] of this.#expiryMsBySession) {
      if (expiryMs <= nowMs) this.#expiryMsBySession.delete(sessionId);
    }
    this.#cursor = answer.cursor;
    this.#syncedAtMs = nowMs;
  }
}

function parseAnswer(body: unknown): FeedAnswer {
  const answer = body as Partial<FeedAnswer> | null;
  if (
    typeof answer !== 'object' ||
    answer === null ||
    typeof answer.cursor !== 'string' ||
    typeof answer.retentionSeconds !== 'number' ||
    !Array.isArray(answer.revoked) ||
    !answer.revoked.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as { sessionId?: unknown }).sessionId === 'string' &&
        !Number.isNaN(Date.parse(String((entry as { revokedAt?: unknown }).revokedAt))),
    )
  ) {
    throw new Error('revocation feed answered an unexpected body');
  }
  return answer as FeedAnswer;
}
