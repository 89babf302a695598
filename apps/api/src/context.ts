// The per-request context. `createContext` never throws: it records whether an access token came
// and exactly how it failed, and the procedure builders in trpc.ts decide what that means for each procedure,
// so a bad token on a public procedure never breaks the other calls of a batch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError, type VerifiedAccessToken } from '@latchkey/auth';
import type { App } from './app.js';
import { createRefreshCookieJar, type RefreshCookieJar } from './http/cookies.js';
import { clientAddress } from './http/client-address.js';
import { answersAsStream } from './http/streamed-answer.js';

/** What the access token (if any) turned out to be. */
export type AccessState =
  | { status: 'missing' }
  | { status: 'failed'; code: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'SESSION_REVOKED' }
  | { status: 'valid'; token: VerifiedAccessToken };

/** The parts of the HTTP request that procedures may look at (CSRF checks, audit, rate limits). */
export interface RequestDetails {
  clientAddress: string;
  userAgent: string | null;
  origin: string | null;
  secFetchSite: string | null;
  contentType: string | null;
}

/** Fields the request log line reports, filled in as the request learns who is calling. */
export interface RequestLogFields {
  userId: string | null;
}

export interface Context {
  app: App;
  request: RequestDetails;
  access: AccessState;
  refreshCookie: RefreshCookieJar;
  /** The device-token cookie: the same httpOnly, SameSite=Strict jar under its own name. */
  deviceCookie: RefreshCookieJar;
  log: RequestLogFields;
}

// RFC 6750 section 2.1: `Bearer` (case-insensitive, RFC 9110 section 11.1) then a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Verifies the bearer token without throwing; revocation is an in-memory look-up, never a database read. */
export async function readAccessState(app: App, authorization: string | undefined): Promise<AccessState> {
  if (authorization === undefined || authorization.trim() === '') return { status: 'missing' };
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return { status: 'failed', code: 'TOKEN_INVALID' };
  try {
    const verified = await app.accessTokens.verify(token);
    if (app.revocations.isRevoked(verified.sessionId)) return { status: 'failed', code: 'SESSION_REVOKED' };
    return { status: 'valid', token: verified };
  } catch (error) {
    if (error instanceof AuthError && error.code === 'TOKEN_EXPIRED')
      return { status: 'failed', code: 'TOKEN_EXPIRED' };
    if (!(error instanceof AuthError))
      app.logger.error({ err: error }, 'access token verification failed unexpectedly');
    return { status: 'failed', code: 'TOKEN_INVALID' };
  }
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** Builds the context of one HTTP request. */
export async function createContext(
  app: App,
  request: IncomingMessage,
  response: ServerResponse,
  log: RequestLogFields,
): Promise<Context> {
  const access = await readAccessState(app, request.headers.authorization);
  if (access.status === 'valid') log.userId = access.token.userId;
  const answer = { streamed: answersAsStream(request.headers) };
  return {
    app,
    request: {
      clientAddress: clientAddress(request, { trustProxy: app.config.trustProxy }),
      userAgent: header(request, 'user-agent'),
      origin: header(request, 'origin'),
      secFetchSite: header(request, 'sec-fetch-site'),
      contentType: header(request, 'content-type'),
    },
    access,
    refreshCookie: createRefreshCookieJar(app.config.cookie, request, response, answer),
    deviceCookie: createRefreshCookieJar(app.config.deviceCookie, request, response, answer),
    log,
  };
}
