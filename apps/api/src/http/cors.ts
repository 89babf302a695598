// CORS with an allow-list (CORS_ORIGINS) and credentials. A foreign origin gets no CORS header at all: the
// response is never reflected back to it, so its scripts cannot read anything.
import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
// tRPC's client sends `trpc-accept` for streaming links and `x-trpc-source` when asked to; both are harmless.
const ALLOWED_HEADERS = 'authorization, content-type, trpc-accept, x-trpc-source';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export function isAllowedOrigin(
  origin: string | null | undefined,
  allowList: readonly string[],
): origin is string {
  return typeof origin === 'string' && allowList.includes(origin);
}

/**
 * Adds CORS headers for an allowed origin. Returns true when the request was a preflight and has been answered.
 */
export function handleCors(
  request: IncomingMessage,
  response: ServerResponse,
  allowList: readonly string[],
): boolean {
  const origin = request.headers.origin;
  // Caches must not hand one origin's answer to another.
  response.setHeader('Vary', 'Origin');
  const allowed = isAllowedOrigin(origin, allowList);
  if (allowed) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Allow-Credentials', 'true');
    // Not CORS-safelisted, so a browser client could not read its retry delay without this.
    response.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  }
  const isPreflight =
    request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (!isPreflight) return false;
  if (allowed) {
    response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    response.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    response.statusCode = 204;
  } else {
    response.statusCode = 403;
  }
  response.end();
  return true;
}
