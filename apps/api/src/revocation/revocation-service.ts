// Every revocation goes through here (logout, logoutAll, revokeSession, changePassword, disableUser, the admin's
// revokeSession, deleteAccount, refresh reuse), so each one is written to PostgreSQL AND announced to every API instance the same way:
//   1. the database row is revoked (the durable truth, what refresh and the next start-up read);
//   2. this instance adds the ids to its in-memory set at once;
//   3. NOTIFY latchkey_revoked tells every other instance, which adds them to its own set.
// The request path only reads the in-memory set: no database read per request. An instance loads the recent
// window at start-up (LISTEN first, so nothing falls between), then re-reads whatever was committed since,
// every `pollIntervalMs` and at once whenever its LISTEN connection comes back, because a NOTIFY sent while
// that connection was down is lost. The re-read follows a cursor of transaction ids that never passes a
// transaction still running (`sessions.readRevocations`), so a revocation stamped by a clock that is behind,
// or committed after a later one, is still read at the first poll after its commit, notification or not.
import type {
  Database,
  DeleteAccountInput,
  RevocationCursor,
  Repositories,
  SessionEndReason,
  SessionOwner,
} from '@latchkey/db';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RevokedSessions } from './revoked-sessions.js';

export const REVOCATION_CHANNEL = 'latchkey_revoked';
// PostgreSQL caps a NOTIFY payload below 8000 bytes; 100 uuids (~4 KB of JSON) stay well under it.
const IDS_PER_NOTIFICATION = 100;

const notificationSchema = z.object({
  revokedAt: z.iso.datetime(),
  sessionIds: z.array(z.uuid()).max(IDS_PER_NOTIFICATION),
});

export interface RevocationService {
  /** True when the session was revoked recently enough that its access tokens may still be unexpired. */
  isRevoked(sessionId: string): boolean;
  /** Listens for other instances' revocations, loads the recent window, then polls for what NOTIFY missed. */
  start(): Promise<void>;
  /** Stops listening and polling, and waits for a poll in flight, so no query runs after it resolves. */
  stop(): Promise<void>;
  /** Revokes one session of `userId`; false when it is not theirs or already revoked. */
  revokeSession(input: { sessionId: string; userId: string; reason: SessionEndReason }): Promise<boolean>;
  /** Revokes every live session of the user but `exceptSessionId`; returns the revoked ids. */
  revokeUserSessions(input: {
    userId: string;
    reason: SessionEndReason;
    exceptSessionId?: string;
  }): Promise<string[]>;
  /** Revokes the session behind a refresh token (logout by cookie or body); null when unknown or already revoked. */
  revokeByRefreshToken(refreshTokenHash: string, reason: SessionEndReason): Promise<SessionOwner | null>;
  /** Disables the account and revokes all its sessions at once. */
  disableUser(userId: string, reason: SessionEndReason): ReturnType<Repositories['users']['disable']>;
  /** Deletes the account (`users.deleteAccount`) and revokes all its sessions at once. */
  deleteAccount(input: Omit<DeleteAccountInput, 'now'>): ReturnType<Repositories['users']['deleteAccount']>;
  /** Announces sessions the database already revoked (refresh reuse is revoked inside the rotation). */
  announce(sessionIds: readonly string[], revokedAt: Date): Promise<void>;
  /**
   * Calls `listener` whenever this instance learns of a revocation (its own, or another instance's by NOTIFY
   * or poll): what wakes the revocation feed's held polls. Returns the function that removes it.
   */
  onRevoked(listener: () => void): () => void;
}

export function createRevocationService(options: {
  database: Database;
  repositories: Repositories;
  logger: Logger;
  /** Access-token TTL plus the verifier's clock tolerance: how long a revoked session's tokens may live. */
  retentionSeconds: number;
  /** How often the database is re-read for revocations whose notification never arrived. */
  pollIntervalMs: number;
  now: () => Date;
}): RevocationService {
  const { database, repositories, logger, now } = options;
  const revoked = new RevokedSessions({ retentionSeconds: options.retentionSeconds, now });
  let unlisten: (() => Promise<void>) | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  // Null until the start-up load has run; every later read continues from here.
  let cursor: RevocationCursor | null = null;
  let polling: Promise<void> | null = null;
  let pollRequested = false;
  const listeners = new Set<() => void>();

  function notifyListeners(): void {
    for (const listener of [...listeners]) listener();
  }

  // Kept for the retention from the later of the revocation's own time and now: a revocation stamped by a
  // clock that is behind, or learned late, still outlives every access token issued before it.
  function remember(sessionId: string, revokedAt: Date): void {
    const learnedAt = now();
    revoked.add(sessionId, revokedAt > learnedAt ? revokedAt : learnedAt);
  }

  function onNotification(payload: string): void {
    let parsed: z.infer<typeof notificationSchema>;
    try {
      parsed = notificationSchema.parse(JSON.parse(payload));
    } catch {
      logger.warn('ignored a malformed revocation notification');
      return;
    }
    const revokedAt = new Date(parsed.revokedAt);
    for (const sessionId of parsed.sessionIds) remember(sessionId, revokedAt);
    notifyListeners();
  }

  async function readSinceCursor(): Promise<void> {
    if (cursor === null) return;
    const batch = await repositories.sessions.readRevocations({ cursor });
    for (const row of batch.revoked) remember(row.sessionId, row.revokedAt);
    if (batch.revoked.length > 0) notifyListeners();
    // Only after the rows are in the set: a failed read keeps the old cursor and is retried whole.
    cursor = batch.cursor;
  }

  /** One poll at a time; a request while one runs (a reconnect mid-poll) runs another right after it. */
  function poll(): void {
    pollRequested = true;
    if (polling !== null) return;
    polling = pollWhileRequested().finally(() => {
      polling = null;
    });
  }

  function takePollRequest(): boolean {
    const requested = pollRequested;
    pollRequested = false;
    return requested;
  }

  async function pollWhileRequested(): Promise<void> {
    while (takePollRequest()) {
      try {
        await readSinceCursor();
      } catch (error) {
        logger.error({ err: error }, 'revocation poll failed; the next one reads from the same cursor');
        return;
      }
    }
  }

  async function announce(sessionIds: readonly string[], revokedAt: Date): Promise<void> {
    for (const sessionId of sessionIds) revoked.add(sessionId, revokedAt);
    if (sessionIds.length > 0) notifyListeners();
    for (let index = 0; index < sessionIds.length; index += IDS_PER_NOTIFICATION) {
      const batch = sessionIds.slice(index, index + IDS_PER_NOTIFICATION);
      const payload = JSON.stringify({ revokedAt: revokedAt.toISOString(), sessionIds: batch });
      try {
        await database.notify(REVOCATION_CHANNEL, payload);
      } catch (error) {
        // The revocation is committed and in force here; other instances read it at their next poll.
        logger.error(
          { err: error },
          'revocation notification failed; other instances will read it at their next poll',
        );
      }
    }
  }

  return {
    isRevoked: (sessionId) => revoked.has(sessionId),

    async start() {
      unlisten = await database.listen(REVOCATION_CHANNEL, onNotification, {
        onReconnect: () => {
          logger.warn('revocation listener reconnected; re-reading revocations now');
          poll();
        },
      });
      const windowStart = new Date(now().getTime() - options.retentionSeconds * 1000);
      const initial = await repositories.sessions.readRevocations({ revokedSince: windowStart });
      for (const row of initial.revoked) remember(row.sessionId, row.revokedAt);
      cursor = initial.cursor;
      pollTimer = setInterval(poll, options.pollIntervalMs);
      pollTimer.unref();
    },

    async stop() {
      if (pollTimer !== null) clearInterval(pollTimer);
      pollTimer = null;
      const stopListening = unlisten;
      unlisten = null;
      if (stopListening !== null) await stopListening();
      pollRequested = false;
      await polling;
      cursor = null;
    },

    async revokeSession({ sessionId, userId, reason }) {
      const at = now();
      const done = await repositories.sessions.revoke({ sessionId, userId, reason, now: at });
      if (done) await announce([sessionId], at);
      return done;
    },

    async revokeUserSessions({ userId, reason, exceptSessionId }) {
      const at = now();
      const ids = await repositories.sessions.revokeAllForUser({
        userId,
        reason,
        now: at,
        ...(exceptSessionId === undefined ? {} : { exceptSessionId }),
      });
      await announce(ids, at);
      return ids;
    },

    async revokeByRefreshToken(refreshTokenHash, reason) {
      const at = now();
      const owner = await repositories.sessions.revokeByRefreshHash(refreshTokenHash, reason, at);
      if (owner !== null) await announce([owner.sessionId], at);
      return owner;
    },

    async disableUser(userId, reason) {
      const at = now();
      const disabled = await repositories.users.disable(userId, { now: at, reason });
      if (disabled !== null) await announce(disabled.revokedSessionIds, at);
      return disabled;
    },

    async deleteAccount(input) {
      const at = now();
      const deleted = await repositories.users.deleteAccount({ ...input, now: at });
      if (deleted !== null) await announce(deleted.revokedSessionIds, at);
      return deleted;
    },

    announce,

    onRevoked(listener) {
      // A fresh function per registration, so one listener added twice is removed once per call.
      const entry = (): void => {
        listener();
      };
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}
