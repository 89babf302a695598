// Every revocation goes through here (logout, logoutAll, revokeSession, changePassword, disableUser, refresh
// reuse), so each one is written to PostgreSQL AND announced to every API instance the same way:
//   1. the database row is revoked (the durable truth, what refresh and the next start-up read);
//   2. this instance adds the ids to its in-memory set at once;
//   3. NOTIFY latchkey_revoked tells every other instance, which adds them to its own set.
// The request path only reads the in-memory set: no database read per request. An instance loads the recent
// window at start-up (LISTEN first, so nothing falls between), and re-reads what it may have missed every
// RESYNC_INTERVAL_MS in case a notification was lost while its LISTEN connection was reconnecting.
import type { Database, Repositories, SessionOwner } from '@latchkey/db';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RevokedSessions } from './revoked-sessions.js';

export const REVOCATION_CHANNEL = 'latchkey_revoked';
// PostgreSQL caps a NOTIFY payload below 8000 bytes; 100 uuids (~4 KB of JSON) stay well under it.
const IDS_PER_NOTIFICATION = 100;
const RESYNC_INTERVAL_MS = 30_000;
// Re-read a little before the last sync, to cover clock differences between instances.
const RESYNC_OVERLAP_MS = 5_000;

const notificationSchema = z.object({
  revokedAt: z.iso.datetime(),
  sessionIds: z.array(z.uuid()).max(IDS_PER_NOTIFICATION),
});

export interface RevocationService {
  /** True when the session was revoked recently enough that its access tokens may still be unexpired. */
  isRevoked(sessionId: string): boolean;
  /** Listens for other instances' revocations and loads the recent window from the database. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Revokes one session of `userId`; false when it is not theirs or already revoked. */
  revokeSession(input: { sessionId: string; userId: string; reason: string }): Promise<boolean>;
  /** Revokes every live session of the user but `exceptSessionId`; returns the revoked ids. */
  revokeUserSessions(input: { userId: string; reason: string; exceptSessionId?: string }): Promise<string[]>;
  /** Revokes the session behind a refresh token (logout by cookie or body); null when unknown or already revoked. */
  revokeByRefreshToken(refreshTokenHash: string, reason: string): Promise<SessionOwner | null>;
  /** Disables the account and revokes all its sessions at once. */
  disableUser(userId: string, reason: string): ReturnType<Repositories['users']['disable']>;
  /** Announces sessions the database already revoked (refresh reuse is revoked inside the rotation). */
  announce(sessionIds: readonly string[], revokedAt: Date): Promise<void>;
}

export function createRevocationService(options: {
  database: Database;
  repositories: Repositories;
  logger: Logger;
  /** Access-token TTL plus the verifier's clock tolerance: how long a revoked session's tokens may live. */
  retentionSeconds: number;
  now: () => Date;
}): RevocationService {
  const { database, repositories, logger, now } = options;
  const revoked = new RevokedSessions({ retentionSeconds: options.retentionSeconds, now });
  let unlisten: (() => Promise<void>) | null = null;
  let resyncTimer: NodeJS.Timeout | null = null;
  let lastSyncAt: Date | null = null;

  function onNotification(payload: string): void {
    let parsed: z.infer<typeof notificationSchema>;
    try {
      parsed = notificationSchema.parse(JSON.parse(payload));
    } catch {
      logger.warn('ignored a malformed revocation notification');
      return;
    }
    const revokedAt = new Date(parsed.revokedAt);
    for (const sessionId of parsed.sessionIds) revoked.add(sessionId, revokedAt);
  }

  async function syncFromDatabase(since: Date): Promise<void> {
    const startedAt = now();
    const rows = await repositories.sessions.listRevokedSince(since);
    for (const row of rows) revoked.add(row.sessionId, row.revokedAt);
    lastSyncAt = startedAt;
  }

  async function announce(sessionIds: readonly string[], revokedAt: Date): Promise<void> {
    for (const sessionId of sessionIds) revoked.add(sessionId, revokedAt);
    for (let index = 0; index < sessionIds.length; index += IDS_PER_NOTIFICATION) {
      const batch = sessionIds.slice(index, index + IDS_PER_NOTIFICATION);
      const payload = JSON.stringify({ revokedAt: revokedAt.toISOString(), sessionIds: batch });
      try {
        await database.notify(REVOCATION_CHANNEL, payload);
      } catch (error) {
        // The revocation is committed and in force here; other instances pick it up at their next resync.
        logger.error({ err: error }, 'revocation notification failed; other instances will resync');
      }
    }
  }

  return {
    isRevoked: (sessionId) => revoked.has(sessionId),

    async start() {
      unlisten = await database.listen(REVOCATION_CHANNEL, onNotification);
      await syncFromDatabase(new Date(now().getTime() - options.retentionSeconds * 1000));
      resyncTimer = setInterval(() => {
        const since = new Date((lastSyncAt ?? now()).getTime() - RESYNC_OVERLAP_MS);
        syncFromDatabase(since).catch((error: unknown) => {
          logger.error({ err: error }, 'revocation resync failed');
        });
      }, RESYNC_INTERVAL_MS);
      resyncTimer.unref();
    },

    async stop() {
      if (resyncTimer !== null) clearInterval(resyncTimer);
      resyncTimer = null;
      const stopListening = unlisten;
      unlisten = null;
      if (stopListening !== null) await stopListening();
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

    announce,
  };
}
