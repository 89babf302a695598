import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

/**
 * The caller's address for rate limits and audit. `X-Forwarded-For` is read only when TRUST_PROXY=1, which
 * trusts exactly one proxy hop: the proxy in front of the API appends the address it saw to whatever the client
 * sent (nginx `$proxy_add_x_forwarded_for`, Caddy's `reverse_proxy`), so the right-most entry is the only one
 * nobody but that proxy wrote. Entries to its left, in one header line or several, are whatever the client
 * sent and could be forged to dodge a per-address limit. A right-most entry that is no IP address (a proxy
 * that appends a port, or none at all) is not believed either: the socket address counts instead.
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
    if (last !== undefined && ipaddr.isValid(last)) return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
