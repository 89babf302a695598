// The users every protected call asks about (`auth.me`, the role `adminProcedure` checks), held in memory so
// that a warm call reads no database. It is kept exact the way the revocation set is (src/revocation/):
//   1. the database announces every change: the trigger of migration 0005 NOTIFYs latchkey_user_changed with
//      the user's id on every UPDATE or DELETE of a user, whoever writes it (API, CLI, psql), at commit;
//   2. an instance drops its entry when it hears the id, and refills it on the next call that needs it;
//   3. a NOTIFY sent while the listening connection is down is lost, so the whole cache is dropped when that
//      connection comes back, and the rows written since a transaction-id cursor (`users.changed_xid`) are
//      re-read every `pollIntervalMs`, which bounds how long a lost notification can go unnoticed.
// Entries are only ever dropped on news, never patched from it: the one way in is a read of the committed row.
// A fill that raced a change must not install what it read, so a fill in flight is marked stale by any news
// of its user; the caller still gets what it read (a read concurrent with the change), the cache does not.
import type { Database, Repositories, UserChangeCursor, UserProfile } from '@latchkey/db';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { z } from 'zod';

export const USER_CHANGED_CHANNEL = 'latchkey_user_changed';

const userIdSchema = z.uuid();

export interface UserCache {
  /** The user as committed (from memory when known, else read and kept); null when there is no such user. */
  get(userId: string): Promise<UserProfile | null>;
  /** Forgets the user here at once: called by this instance's own writers, ahead of their notification. */
  invalidate(userId: string): void;
  /** How many users are held (at most `maxEntries`). */
  readonly size: number;
  /** Listens for changes, takes the change cursor, then polls it; entries are kept only while started. */
  start(): Promise<void>;
  /** Stops listening and polling and forgets every entry; no query runs after it resolves. */
  stop(): Promise<void>;
}

interface Fill {
  promise: Promise<UserProfile | null>;
  /** Set when news of the user (or a reconnect) arrived while the read was in flight. */
  stale: boolean;
}

export function createUserCache(options: {
  database: Database;
  repositories: Repositories;
  logger: Logger;
  /** The most users held; the least recently used is evicted past it. */
  maxEntries: number;
  /** How often the rows written since the cursor are re-read, for notifications that never arrived. */
  pollIntervalMs: number;
}): UserCache {
  const { database, repositories, logger } = options;
  // lru-cache (isaacs) rather than a Map kept in order by hand: a bounded size with O(1) eviction of the least
  // recently used entry, no timers, and kept by the author of npm's own dependencies.
  const entries = new LRUCache<string, UserProfile>({ max: options.maxEntries });
  const fills = new Map<string, Fill>();
  let unlisten: (() => Promise<void>) | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let cursor: UserChangeCursor | null = null;
  let polling: Promise<void> | null = null;
  let pollRequested = false;

  function invalidate(userId: string): void {
    entries.delete(userId);
    const fill = fills.get(userId);
    if (fill === undefined) return;
    fill.stale = true;
    fills.delete(userId);
  }

  function invalidateAll(): void {
    entries.clear();
    for (const fill of fills.values()) fill.stale = true;
    fills.clear();
  }

  function onNotification(payload: string): void {
    const parsed = userIdSchema.safeParse(payload);
    // Not a user id: whatever sent it, this instance can no longer tell what changed.
    if (!parsed.success) {
      logger.warn('a malformed user-change notification dropped the whole user cache');
      invalidateAll();
      return;
    }
    invalidate(parsed.data);
  }

  async function readSinceCursor(): Promise<void> {
    if (cursor === null) return;
    const batch = await repositories.users.readChangesSince(cursor);
    for (const userId of batch.userIds) invalidate(userId);
    cursor = batch.cursor;
  }

  function poll(): void {
    pollRequested = true;
    if (polling !== null) return;
    polling = pollWhileRequested().finally(() => {
      polling = null;
    });
  }

  async function pollWhileRequested(): Promise<void> {
    while (pollRequested) {
      pollRequested = false;
      try {
        await readSinceCursor();
      } catch (error) {
        logger.error({ err: error }, 'user cache poll failed; the next one reads from the same cursor');
        return;
      }
    }
  }

  function fill(userId: string): Promise<UserProfile | null> {
    const pending: Fill = { promise: Promise.resolve(null), stale: false };
    pending.promise = (async () => {
      try {
        const user = await repositories.users.findProfileById(userId);
        // Kept only when no news of the user came meanwhile and the listener is in place to bring the next.
        if (!pending.stale && user !== null && unlisten !== null) entries.set(userId, user);
        return user;
      } finally {
        if (fills.get(userId) === pending) fills.delete(userId);
      }
    })();
    fills.set(userId, pending);
    return pending.promise;
  }

  return {
    async get(userId) {
      const cached = entries.get(userId);
      if (cached !== undefined) return cached;
      // Calls for one user while its row is being read share that read.
      return fills.get(userId)?.promise ?? fill(userId);
    },

    invalidate,

    get size() {
      return entries.size;
    },

    async start() {
      unlisten = await database.listen(USER_CHANGED_CHANNEL, onNotification, {
        onReconnect: () => {
          logger.warn('user cache listener reconnected; dropped every entry and re-reading changes now');
          invalidateAll();
          poll();
        },
      });
      cursor = await repositories.users.changeCursor();
      pollTimer = setInterval(poll, options.pollIntervalMs);
      pollTimer.unref();
    },

    async stop() {
      if (pollTimer !== null) clearInterval(pollTimer);
      pollTimer = null;
      const stopListening = unlisten;
      unlisten = null;
      invalidateAll();
      if (stopListening !== null) await stopListening();
      pollRequested = false;
      await polling;
      cursor = null;
    },
  };
}
