import type { IncomingMessage } from 'node:http';

/**
 * The caller's address for rate limits and audit. `X-Forwarded-For` is read only when TRUST_PROXY=1, and then
 * its right-most entry: the one our own proxy appended. Entries to its left are whatever the client sent and
 * could be forged to dodge a per-address limit.
 */
export function clientAddress(request: IncomingMessage, options: { trustProxy: boolean }): string {
  if (options.trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    const last = value
      ?.split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .at(-1);
    if (last !== undefined) return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
