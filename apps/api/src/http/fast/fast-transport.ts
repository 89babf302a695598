// A tRPC HTTP transport for node:http that answers what @trpc/client 11.22.1's `httpLink` and `httpBatchLink`
// send, byte for byte as tRPC's own adapter would, without what makes that adapter slow here: a fetch
// `Request` and `Headers` per call, AbortSignal.any, and a web stream for a body that is already a string.
//
// It follows @trpc/server 11.22.1 `resolveResponse` (src/unstable-core-do-not-import/http/resolveResponse.ts)
// step by step, in the same order: path decoding, batch size, procedure look-up, the mixed-type check, the
// context, every call in parallel, the method rule, errors through the router's own errorFormatter
// (`getTRPCErrorShape`), the status rule (`getHTTPStatusCode`: 207 when a batch's statuses differ), responseMeta
// and the headers. The version is pinned in the workspace catalog; the differential test compares both
// transports on the wire, so an upgrade that changes tRPC's answers fails there first.
//
// What it does not serve it hands back (the handler resolves `false`) before doing anything observable, and
// the caller passes the request to tRPC's official handler: methods other than GET and POST, streaming
// (`trpc-accept` / `Accept: application/jsonl`), subscriptions and SSE, form-data and octet-stream inputs,
// `connectionParams`, a POST without a JSON content type, lazy routers, and a Host header tRPC cannot parse.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  type inferRouterContext,
  type TRPCDefaultErrorShape,
  type TRPCProcedureType,
  type TRPCRootConfig,
} from '@trpc/server';
import { getHTTPStatusCode, type ResponseMeta } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import { CallInputs } from './call-inputs.js';
import { ResponseHeaders } from './response-headers.js';

type CallType = TRPCProcedureType | 'unknown';

// The router's config seen through tRPC's own bounds instead of `any` (what AnyTRPCRouter carries).
interface ServedRootTypes {
  ctx: object;
  meta: object;
  errorShape: TRPCDefaultErrorShape;
  transformer: boolean;
}

/** What `onError` receives: the fields of tRPC's own `onError` options, minus the fetch Request. */
export interface FastTransportErrorOptions<TContext> {
  error: TRPCError;
  path: string | undefined;
  input: unknown;
  ctx: TContext | undefined;
  type: CallType;
}

/** What `responseMeta` receives: the fields of tRPC's own `responseMeta` options, minus `info`. */
export interface FastTransportResponseMetaOptions<TContext> {
  ctx: TContext | undefined;
  paths: readonly string[] | undefined;
  type: CallType;
  errors: TRPCError[];
  data: TRPCResponse[];
  eagerGeneration: false;
}

export interface FastTransportOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** The URL prefix before the procedure path, with its trailing slash (`/trpc/`). */
  basePath: string;
  /** As tRPC's `maxBatchSize`: a batch of more calls is one BAD_REQUEST. */
  maxBatchSize: number;
  /** Must not throw (context.ts records a bad token instead); if it does, the answer is tRPC's (no path). */
  createContext: (request: IncomingMessage, response: ServerResponse) => Promise<inferRouterContext<TRouter>>;
  responseMeta?: (options: FastTransportResponseMetaOptions<inferRouterContext<TRouter>>) => ResponseMeta;
  onError?: (options: FastTransportErrorOptions<inferRouterContext<TRouter>>) => void;
}

/**
 * Serves one /trpc request. `body` is the POST body already read and checked by the server (null for GET).
 * Resolves true when the response was written, false when the request is for tRPC's official handler.
 */
export type FastTrpcHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string | null,
) => Promise<boolean>;

interface Call {
  index: number;
  path: string;
  procedure: AnyTRPCProcedure | undefined;
}

interface RequestInfo {
  isBatchCall: boolean;
  calls: Call[];
  paths: string[];
  type: CallType;
}

type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

// tRPC's TYPE_ACCEPTED_METHOD_MAP without method override (the server does not allow it).
const ACCEPTED_METHOD = { query: 'GET', mutation: 'POST', subscription: 'GET' } as const;

function mediaType(contentType: string): string | undefined {
  return contentType.toLowerCase().split(';', 1)[0]?.trim();
}

/** True when tRPC would read this request with its JSON content handler (contentType.ts). */
function usesJsonHandler(method: 'GET' | 'POST', contentType: string | undefined): boolean {
  const type = contentType === undefined ? undefined : mediaType(contentType);
  if (type === 'application/json') return true;
  if (method === 'POST') return false;
  // GET falls back to JSON for any other type, but form-data and octet-stream have handlers of their own.
  return type !== 'multipart/form-data' && type !== 'application/octet-stream';
}

/** True when tRPC would stream the answer or refuse it as an unbatched stream (`getAcceptHeader`). */
function asksForStream(request: IncomingMessage): boolean {
  if (request.headers['trpc-accept'] !== undefined) return true;
  return request.headers.accept?.includes('application/jsonl') === true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === 'object';
}

function isAsyncIterable(value: unknown): boolean {
  return isObject(value) && Symbol.asyncIterator in value;
}

function isPromise(value: unknown): boolean {
  if (!isObject(value) && typeof value !== 'function') return false;
  const candidate = value as { then?: unknown; catch?: unknown };
  return typeof candidate.then === 'function' && typeof candidate.catch === 'function';
}

/** tRPC's `isDataStream`: data only httpBatchStreamLink can carry. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

function streamOnlyError(): TRPCError {
  return new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
  });
}

/** Builds the fast transport for one router. */
export function createFastTrpcHandler<TRouter extends AnyTRPCRouter>(
  options: FastTransportOptions<TRouter>,
): FastTrpcHandler {
  type Context = inferRouterContext<TRouter>;
  const { router, basePath, maxBatchSize, createContext, responseMeta, onError } = options;
  const config = router._def._config as TRPCRootConfig<ServedRootTypes>;
  // A flat, null-prototype map of every procedure by dotted path (`auth.me`), as tRPC's getProcedureAtPath reads it.
  const procedures = router._def.procedures as Readonly<Record<string, AnyTRPCProcedure | undefined>>;
  const hasLazyRouters = Object.keys(router._def.lazy).length > 0;
  // tRPC builds `new URL(req.url, http://<Host>)` and answers 400 itself when that fails; one remembered good
  // Host keeps the check off the hot path.
  let knownGoodHost: string | undefined;

  /** The request's calls, null when one needs tRPC's own handler; throws what tRPC's getRequestInfo throws. */
  function requestInfo(rawPath: string, url: URL): RequestInfo | null {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch (cause) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `Invalid URL-encoding in path "${rawPath}"`,
        cause,
      });
    }
    const isBatchCall = url.searchParams.get('batch') === '1';
    const paths = isBatchCall ? path.split(',') : [path];
    if (isBatchCall && paths.length > maxBatchSize)
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'Batch call exceeds maximum size' });
    const calls: Call[] = [];
    const types = new Set<TRPCProcedureType>();
    for (const [index, callPath] of paths.entries()) {
      const procedure = procedures[callPath];
      if (procedure === undefined && hasLazyRouters) return null;
      if (procedure !== undefined) {
        if (procedure._def.type === 'subscription') return null;
        types.add(procedure._def.type);
      }
      calls.push({ index, path: callPath, procedure });
    }
    if (types.size > 1) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `Cannot mix procedure types in call: ${Array.from(types).join(', ')}`,
      });
    }
    const [type = 'unknown'] = types;
    return { isBatchCall, calls, paths, type };
  }

  async function runCall(
    call: Call,
    method: 'GET' | 'POST',
    ctx: Context,
    inputs: CallInputs,
  ): Promise<CallOutcome> {
    try {
      const { procedure } = call;
      if (procedure === undefined)
        throw new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${call.path}"` });
      const type = procedure._def.type;
      if (ACCEPTED_METHOD[type] !== method) {
        throw new TRPCError({
          code: 'METHOD_NOT_SUPPORTED',
          message: `Unsupported ${method}-request to ${type} procedure at path "${call.path}"`,
        });
      }
      // As tRPC's resolveResponse calls it, minus the abort signal: no procedure of this API streams or
      // waits on the client, and building a combined signal per call is a large part of what this avoids.
      const data: unknown = await procedure({
        path: call.path,
        getRawInput: () => Promise.resolve().then(() => inputs.read(call.index)),
        ctx,
        type,
        signal: undefined,
        batchIndex: call.index,
      });
      return { ok: true, data };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      onError?.({
        error,
        path: call.path,
        input: inputs.result(call.index),
        ctx,
        type: call.procedure?._def.type ?? 'unknown',
      });
      return { ok: false, error };
    }
  }

  function errorShape(
    error: TRPCError,
    details: { ctx: Context | undefined; type: CallType; path: string | undefined; input: unknown },
  ): TRPCResponse {
    const shape: TRPCDefaultErrorShape = getTRPCErrorShape({ config, error, ...details });
    return { error: shape };
  }

  /** tRPC's `initResponse`: the status from the bodies, then responseMeta's headers and status. */
  function responseStatus(
    headers: ResponseHeaders,
    bodies: TRPCResponse[],
    meta: { ctx: Context | undefined; info: RequestInfo | null; errors: TRPCError[] },
  ): number {
    let status = getHTTPStatusCode(bodies);
    const result = responseMeta?.({
      ctx: meta.ctx,
      paths: meta.info?.paths,
      type: meta.info?.calls.find((call) => call.procedure !== undefined)?.procedure?._def.type ?? 'unknown',
      errors: meta.errors,
      data: bodies,
      eagerGeneration: false,
    });
    if (result !== undefined) {
      headers.applyMeta(result.headers);
      if (result.status) status = result.status;
    }
    return status;
  }

  function send(response: ServerResponse, headers: ResponseHeaders, status: number, body: string): void {
    // tRPC's node adapter keeps a status a procedure set itself, and replaces only the default 200.
    if (response.statusCode === 200) response.statusCode = status;
    headers.writeTo(response);
    response.end(body);
  }

  /** tRPC's last resort inside resolveResponse: one error object for the whole request, without a path. */
  function sendRequestError(
    response: ServerResponse,
    headers: ResponseHeaders,
    cause: unknown,
    state: { ctx: Context | undefined; info: RequestInfo | null },
  ): void {
    const error = getTRPCErrorFromUnknown(cause);
    const type = state.info?.type ?? 'unknown';
    onError?.({ error, path: undefined, input: undefined, ctx: state.ctx, type });
    const body = errorShape(error, { ctx: state.ctx, type, path: undefined, input: undefined });
    const json = JSON.stringify(transformTRPCResponse(config, body));
    const status = responseStatus(headers, [body], { ctx: state.ctx, info: state.info, errors: [error] });
    send(response, headers, status, json);
  }

  return async (request, response, url, body) => {
    const { method } = request;
    if (method !== 'GET' && method !== 'POST') return false;
    if (asksForStream(request) || !usesJsonHandler(method, request.headers['content-type'])) return false;
    const host = request.headers.host;
    if (host !== undefined && host !== knownGoodHost) {
      if (!URL.canParse(`http://${host}`)) return false;
      knownGoodHost = host;
    }
    if (url.search !== '' && url.searchParams.has('connectionParams')) return false;

    const headers = new ResponseHeaders();
    headers.set('vary', 'trpc-accept, accept');
    let info: RequestInfo | null;
    try {
      info = requestInfo(url.pathname.slice(basePath.length), url);
    } catch (cause) {
      sendRequestError(response, headers, cause, { ctx: undefined, info: null });
      return true;
    }
    if (info === null) return false;

    let ctx: Context | undefined;
    try {
      ctx = await createContext(request, response);
      const inputs = new CallInputs({
        text: method === 'GET' ? url.searchParams.get('input') : body,
        method,
        isBatchCall: info.isBatchCall,
        callCount: info.calls.length,
        transformer: config.transformer,
      });
      const context = ctx;
      const outcomes = info.calls.map((call) => runCall(call, method, context, inputs));

      if (!info.isBatchCall) {
        const [call] = info.calls;
        const [pending] = outcomes;
        if (call === undefined || pending === undefined) throw new Error('a request without a call');
        const outcome = await pending;
        headers.set('content-type', 'application/json');
        if (outcome.ok && isDataStream(outcome.data)) throw streamOnlyError();
        const result: TRPCResponse = outcome.ok
          ? { result: { data: outcome.data } }
          : errorShape(outcome.error, { ctx, type: info.type, path: call.path, input: inputs.result(0) });
        const status = responseStatus(headers, [result], {
          ctx,
          info,
          errors: outcome.ok ? [] : [outcome.error],
        });
        send(response, headers, status, JSON.stringify(transformTRPCResponse(config, result)));
        return true;
      }

      headers.set('content-type', 'application/json');
      const settled = (await Promise.all(outcomes)).map((outcome): CallOutcome =>
        outcome.ok && isDataStream(outcome.data) ? { ok: false, error: streamOnlyError() } : outcome,
      );
      const results = settled.map((outcome, index): TRPCResponse => {
        if (outcome.ok) return { result: { data: outcome.data } };
        const call = info.calls[index];
        return errorShape(outcome.error, {
          ctx,
          type: call?.procedure?._def.type ?? 'unknown',
          path: call?.path,
          input: inputs.result(index),
        });
      });
      const errors = settled.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
      const status = responseStatus(headers, results, { ctx, info, errors });
      send(response, headers, status, JSON.stringify(transformTRPCResponse(config, results)));
      return true;
    } catch (cause) {
      sendRequestError(response, headers, cause, { ctx, info });
      return true;
    }
  };
}
