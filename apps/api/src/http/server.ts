// The node:http server the API owns. /trpc is served by the fast transport (http/fast/, HTTP_TRANSPORT=fast),
// which hands anything it does not implement to tRPC's standalone adapter, or by that adapter alone
// (HTTP_TRANSPORT=official); the routes beside it (health, readiness, JWKS, the OpenAPI document and, in
// development, its reference page, and the service endpoints: introspection and the revocation feed) need no
// framework. Section map:
//   request listener   security headers, CORS, routing, one log line per request, the last-resort 500
//   /trpc              body cap (413), JSON depth (400), content type, then tRPC with Cache-Control: no-store
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { databaseErrorSummary } from '@latchkey/db';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { ResponseMeta } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { App } from '../app.js';
import { createContext, type Context, type RequestLogFields } from '../context.js';
import { errorDetails } from '../errors.js';
import { appRouter } from '../router.js';
import { createApiReference } from './api-reference.js';
import { readBodyWithLimit } from './body-limit.js';
import { handleCors } from './cors.js';
import { INTROSPECTION_PATH, handleIntrospection } from './introspection.js';
import { REVOCATION_FEED_PATH, createRevocationFeedHandler } from './revocation-feed.js';
import { createFastTrpcHandler } from './fast/fast-transport.js';
import { jsonNestingDepth } from './json-depth.js';

const TRPC_PREFIX = '/trpc/';
// One request may carry at most this many calls: a batch of thousands would multiply every per-request cost
// (argon2 on login) behind a single body-size check. @trpc/client batches far fewer in practice.
const MAX_BATCH_SIZE = 16;
const READINESS_TIMEOUT_MS = 2000;

/** Writes an error in tRPC's own shape, for failures caught before tRPC runs. */
function sendTrpcError(
  response: ServerResponse,
  status: number,
  code: TRPC_ERROR_CODE_KEY,
  message: string,
): void {
  const body = JSON.stringify({
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } },
  });
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, cacheControl = 'no-store'): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Cache-Control', cacheControl);
  response.end(JSON.stringify(value));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Builds the server's request listener for one App (one API instance). */
export function createRequestListener(app: App): RequestListener {
  const logFields = new WeakMap<IncomingMessage, RequestLogFields>();
  const { config, logger } = app;
  const apiReference = createApiReference({ servePage: config.nodeEnv === 'development' });

  // Both transports get the same context, responseMeta and onError, so they answer alike.
  const trpcContext = (request: IncomingMessage, response: ServerResponse): Promise<Context> =>
    createContext(app, request, response, logFields.get(request) ?? { userId: null });
  const responseMeta = ({ errors }: { errors: readonly TRPCError[] }): ResponseMeta => {
    // Every /trpc response may carry a token (login, refresh, signup): never let a cache keep one.
    // tRPC sets its own `Vary`; an array appends to it, so caches still key CORS answers on Origin.
    const headers: Record<string, string | string[]> = { 'Cache-Control': 'no-store', Vary: ['Origin'] };
    const retryAfter = errors
      .map((error) => errorDetails(error.cause).retryAfter)
      .find((seconds) => seconds !== undefined);
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    return { headers };
  };
  const onError = ({ error, path }: { error: TRPCError; path: string | undefined }): void => {
    // Caller mistakes are answered, not logged as faults; a real fault is logged with its cause.
    if (error.code === 'INTERNAL_SERVER_ERROR')
      logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    // Not a bug but an outage: worth a warning per call, with the driver's code, and no stack trace.
    else if (error.code === 'SERVICE_UNAVAILABLE')
      logger.warn({ path, cause: databaseErrorSummary(error.cause) }, 'database unavailable');
  };

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_PREFIX,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req, res }) => trpcContext(req, res),
    responseMeta,
    onError,
  });
  const fastHandler =
    config.transport === 'fast'
      ? createFastTrpcHandler({
          router: appRouter,
          basePath: TRPC_PREFIX,
          maxBatchSize: MAX_BATCH_SIZE,
          createContext: trpcContext,
          responseMeta,
          onError,
        })
      : null;
  const handleRevocationFeed = createRevocationFeedHandler(app);

  async function handleTrpc(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    const input = url.searchParams.get('input');
    if (input !== null && jsonNestingDepth(input) > config.jsonMaxDepth) {
      sendTrpcError(response, 400, 'BAD_REQUEST', `Input nested deeper than ${config.jsonMaxDepth} levels`);
      return;
    }
    let bodyText: string | null = null;
    if (request.method === 'POST') {
      // tRPC would also take form data and octet streams, for procedures declared with those parsers. This API
      // declares none, so anything but JSON is refused before a byte of it is parsed.
      const contentType = request.headers['content-type'];
      if (contentType !== undefined && !isJsonMediaType(contentType)) {
        sendTrpcError(response, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send Content-Type: application/json');
        return;
      }
      const body = await readBodyWithLimit(request, config.bodyLimitBytes);
      if (!body.ok) {
        if (body.status === 413) response.setHeader('Connection', 'close');
        sendTrpcError(
          response,
          body.status,
          body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
          body.message,
        );
        return;
      }
      if (jsonNestingDepth(body.text) > config.jsonMaxDepth) {
        sendTrpcError(response, 400, 'BAD_REQUEST', `Input nested deeper than ${config.jsonMaxDepth} levels`);
        return;
      }
      // The adapter takes a string `req.body` as the request body instead of reading the stream again.
      // @trpc/client sends a mutation called without input as an empty body, which tRPC's JSON handler cannot
      // parse when the procedure declares an optional input (auth.logout, auth.refresh): read it as `{}`,
      // which every input schema of this API treats as "nothing given".
      bodyText = body.text.trim() === '' ? '{}' : body.text;
      (request as IncomingMessage & { body?: string }).body = bodyText;
    }
    // Both answer every error themselves, a fault included (as a 500 through onError); what the fast transport
    // does not implement (streaming, subscriptions, other content types) goes to tRPC's adapter.
    if (fastHandler !== null && (await fastHandler(request, response, url, bodyText))) return;
    trpcHandler(request, response);
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (handleCors(request, response, config.corsOrigins)) return;
    const { pathname } = url;
    if (pathname.startsWith(TRPC_PREFIX)) {
      await handleTrpc(request, response, url);
      return;
    }
    if (pathname === INTROSPECTION_PATH) {
      await handleIntrospection(app, request, response);
      return;
    }
    if (pathname === REVOCATION_FEED_PATH) {
      await handleRevocationFeed(request, response, url);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, pathname === '/healthz' || pathname === '/readyz' ? 405 : 404, {
        error: 'Not found',
      });
      return;
    }
    switch (pathname) {
      case '/healthz':
        sendJson(response, 200, { status: 'ok' });
        return;
      case '/readyz':
        try {
          await withTimeout(app.database.ping(), READINESS_TIMEOUT_MS);
          sendJson(response, 200, { status: 'ok' });
        } catch (error) {
          logger.warn({ err: error }, 'readiness check failed');
          sendJson(response, 503, { status: 'unavailable' });
        }
        return;
      case '/.well-known/jwks.json':
        // Public keys only; a short cache lets verifiers pick up a rotation within minutes.
        sendJson(response, 200, app.accessTokens.publicJwks(), 'public, max-age=300');
        return;
      default:
        if (await apiReference.serve(pathname, response)) return;
        sendJson(response, 404, { error: 'Not found' });
    }
  }

  return (request, response) => {
    const startedAt = performance.now();
    const fields: RequestLogFields = { userId: null };
    logFields.set(request, fields);
    let path = '(invalid)';
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.once('close', () => {
      // The path only: a query string can carry a GET procedure's input.
      logger.info(
        {
          method: request.method,
          path,
          status: response.statusCode,
          ms: Math.round((performance.now() - startedAt) * 10) / 10,
          userId: fields.userId,
        },
        'request',
      );
    });
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
      path = url.pathname;
    } catch {
      sendJson(response, 400, { error: 'Bad request' });
      return;
    }
    route(request, response, url).catch((error: unknown) => {
      // Only a real server fault reaches here: every caller mistake was answered with a 4xx above.
      logger.error({ err: error, path }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.destroy();
    });
  };
}
