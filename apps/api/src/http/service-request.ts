// What both service endpoints (http/introspection.ts, http/revocation-feed.ts) do before their own work: count
// the request against its address, then authenticate the service client. Their answers are OAuth-style JSON
// (`{"error":"invalid_client"}`, RFC 6749 section 5.2), never tRPC's shape: the callers are not tRPC clients.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatabaseUnavailableError } from '@latchkey/db';
import type { App } from '../app.js';
import { DATABASE_RETRY_AFTER_SECONDS, ApiError } from '../errors.js';
import { authenticateServiceClient } from '../services/service-client.js';
import { clientAddress } from './client-address.js';

export function sendServiceJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  // RFC 7662 section 2.2 answers carry token state: no cache may keep one.
  response.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.end(JSON.stringify(body));
}

/**
 * Answers a limiter or database failure; true when it did. A rate limit is a 429 with Retry-After, the database
 * out of reach a 503: neither is the caller's fault to be told as a 400, nor a fault of ours to log as a 500.
 */
export function answerServiceFailure(response: ServerResponse, error: unknown): boolean {
  if (error instanceof ApiError && error.code === 'RATE_LIMITED') {
    sendServiceJson(
      response,
      429,
      { error: 'rate_limited' },
      { 'Retry-After': String(error.retryAfterSeconds ?? 1) },
    );
    return true;
  }
  if (isDatabaseUnavailableError(error)) {
    sendServiceJson(
      response,
      503,
      { error: 'temporarily_unavailable' },
      { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
    );
    return true;
  }
  return false;
}

/** The authenticated service client's id, or null once the refusal (401, 429, 503) has been sent. */
export async function admitServiceRequest(
  app: App,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<string | null> {
  try {
    await app.serviceRateLimits.consumeAddress(clientAddress(request, { trustProxy: app.config.trustProxy }));
  } catch (error) {
    if (answerServiceFailure(response, error)) return null;
    throw error;
  }
  const clientId = authenticateServiceClient(app.config.serviceClients, request.headers.authorization);
  if (clientId === null) {
    sendServiceJson(
      response,
      401,
      { error: 'invalid_client' },
      { 'WWW-Authenticate': 'Basic realm="latchkey"' },
    );
    return null;
  }
  return clientId;
}
