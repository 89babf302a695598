// GET /revocations: the revocation feed, so other services refuse a revoked session's tokens as soon as the API
// does, without asking per request (packages/verifier/src/revocation-feed.ts follows it). A long-poll over the
// database's revocation cursor (`sessions.readRevocations`):
//   - without `cursor`: every session revoked within the retention (access-token TTL plus clock tolerance), and
//     the cursor to continue from;
//   - with `cursor`: every revocation committed since the answer that gave it. When there is none yet, the
//     request is held up to `wait` seconds until this instance learns of one (its own, or another instance's
//     by NOTIFY or poll), then read again.
// Resumable: a follower that lost its connection sends its last cursor and misses nothing. Bounded: a hold
// lasts at most MAX_WAIT_SECONDS, a client holds at most MAX_HELD_POLLS_PER_CLIENT at once (more are answered
// at once), and only revocations within the retention are listed, since older ones' tokens have all expired.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RevocationBatch } from '@latchkey/db';
import type { App } from '../app.js';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS } from '../app.js';
import { admitServiceRequest, answerServiceFailure, sendServiceJson } from './service-request.js';

export const REVOCATION_FEED_PATH = '/revocations';
/** Longest hold: under the 30 s idle timeouts common in proxies and load balancers. */
export const MAX_WAIT_SECONDS = 25;
export const MAX_HELD_POLLS_PER_CLIENT = 4;

const CURSOR_PATTERN = /^\d{1,20}$/;
const WAIT_PATTERN = /^\d{1,3}$/;

export type RevocationFeedHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void>;

export function createRevocationFeedHandler(app: App): RevocationFeedHandler {
  const heldByClient = new Map<string, number>();
  const retentionSeconds = app.config.accessTokenTtlSeconds + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS;

  async function read(cursor: string | null): Promise<RevocationBatch> {
    const windowStart = new Date(app.config.now().getTime() - retentionSeconds * 1000);
    const batch = await app.repositories.sessions.readRevocations(
      cursor === null ? { revokedSince: windowStart } : { cursor },
    );
    return { ...batch, revoked: batch.revoked.filter((row) => row.revokedAt >= windowStart) };
  }

  return async (request, response, url) => {
    if (request.method !== 'GET') {
      sendServiceJson(response, 405, { error: 'invalid_request' }, { Allow: 'GET' });
      return;
    }
    const clientId = await admitServiceRequest(app, request, response);
    if (clientId === null) return;
    const cursor = url.searchParams.get('cursor');
    const waitText = url.searchParams.get('wait') ?? '0';
    if ((cursor !== null && !CURSOR_PATTERN.test(cursor)) || !WAIT_PATTERN.test(waitText)) {
      sendServiceJson(response, 400, { error: 'invalid_request' });
      return;
    }
    const held = heldByClient.get(clientId) ?? 0;
    const waitSeconds = held >= MAX_HELD_POLLS_PER_CLIENT ? 0 : Math.min(Number(waitText), MAX_WAIT_SECONDS);

    // Listening starts before the first read: a revocation learned between the read and the hold still wakes it.
    let wake: () => void = () => undefined;
    const learned = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const stopListening = app.revocations.onRevoked(wake);
    heldByClient.set(clientId, held + 1);
    try {
      let batch = await read(cursor);
      if (batch.revoked.length === 0 && cursor !== null && waitSeconds > 0) {
        const gone = await hold(response, learned, waitSeconds);
        if (gone) return;
        batch = await read(batch.cursor);
      }
      sendServiceJson(response, 200, {
        cursor: batch.cursor,
        retentionSeconds,
        revoked: batch.revoked.map((row) => ({
          sessionId: row.sessionId,
          revokedAt: row.revokedAt.toISOString(),
        })),
      });
    } catch (error) {
      if (answerServiceFailure(response, error)) return;
      throw error;
    } finally {
      stopListening();
      const remaining = (heldByClient.get(clientId) ?? 1) - 1;
      if (remaining === 0) heldByClient.delete(clientId);
      else heldByClient.set(clientId, remaining);
    }
  };
}

/** Waits for a revocation, the end of the hold, or the caller hanging up; true when the caller is gone. */
async function hold(response: ServerResponse, learned: Promise<void>, waitSeconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let onClose: (() => void) | undefined;
  const gone = new Promise<boolean>((resolve) => {
    onClose = (): void => {
      resolve(true);
    };
    response.once('close', onClose);
  });
  const elapsed = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, waitSeconds * 1000);
  });
  try {
    return await Promise.race([learned.then(() => false), elapsed, gone]);
  } finally {
    clearTimeout(timer);
    if (onClose !== undefined) response.off('close', onClose);
  }
}
