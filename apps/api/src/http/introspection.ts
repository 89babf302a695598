// POST /oauth/introspect: RFC 7662 token introspection, for services that want the authoritative answer about
// an access token. The caller is a service client (HTTP Basic, http/service-request.ts); the token comes
// form-encoded. Active means all of: the token verifies as the API's own requests do, its session is not in
// the revocation set, and the database still holds the session live with its user enabled. Anything else is
// `{"active":false}` and nothing more (RFC 7662 section 2.2): which check failed would help a token thief.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifiedAccessToken } from '@latchkey/auth';
import type { App } from '../app.js';
import { readBodyWithLimit } from './body-limit.js';
import { admitServiceRequest, answerServiceFailure, sendServiceJson } from './service-request.js';

export const INTROSPECTION_PATH = '/oauth/introspect';

const INACTIVE = { active: false } as const;

export async function handleIntrospection(
  app: App,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST') {
    sendServiceJson(response, 405, { error: 'invalid_request' }, { Allow: 'POST' });
    return;
  }
  const clientId = await admitServiceRequest(app, request, response);
  if (clientId === null) return;
  try {
    await app.serviceRateLimits.consumeIntrospection(clientId);
  } catch (error) {
    if (answerServiceFailure(response, error)) return;
    throw error;
  }
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    sendServiceJson(response, 415, { error: 'invalid_request' });
    return;
  }
  const body = await readBodyWithLimit(request, app.config.bodyLimitBytes);
  if (!body.ok) {
    if (body.status === 413) response.setHeader('Connection', 'close');
    sendServiceJson(response, body.status, { error: 'invalid_request' });
    return;
  }
  const tokens = new URLSearchParams(body.text).getAll('token');
  const [token] = tokens;
  // RFC 7662 section 2.1: `token` is REQUIRED; a repeated parameter is ambiguous (RFC 6749 section 3.1).
  if (tokens.length !== 1 || token === undefined || token === '') {
    sendServiceJson(response, 400, { error: 'invalid_request' });
    return;
  }
  try {
    const verified = await activeToken(app, token);
    sendServiceJson(response, 200, verified === null ? INACTIVE : activeAnswer(app, verified));
  } catch (error) {
    if (answerServiceFailure(response, error)) return;
    throw error;
  }
}

async function activeToken(app: App, token: string): Promise<VerifiedAccessToken | null> {
  let verified: VerifiedAccessToken;
  try {
    verified = await app.accessTokens.verify(token);
  } catch {
    // Every verification failure is an AuthError (packages/auth/src/verification-error.ts): inactive.
    return null;
  }
  if (app.revocations.isRevoked(verified.sessionId)) return null;
  const live = await app.repositories.sessions.findActiveById(verified.sessionId, app.config.now());
  if (live?.user.id !== verified.userId) return null;
  return verified;
}

/** RFC 7662 section 2.2's members, plus Latchkey's own claims (`sid`, `role`, `auth_time`). */
function activeAnswer(app: App, verified: VerifiedAccessToken): Record<string, unknown> {
  return {
    active: true,
    token_type: 'Bearer',
    iss: app.config.issuer,
    aud: app.config.audience,
    sub: verified.userId,
    sid: verified.sessionId,
    role: verified.role,
    jti: verified.tokenId,
    iat: Math.floor(verified.issuedAt.getTime() / 1000),
    exp: Math.floor(verified.expiresAt.getTime() / 1000),
    auth_time: Math.floor(verified.authTime.getTime() / 1000),
  };
}
