// initTRPC once, the error formatter, and the procedure builders. Each builder narrows the context in a
// middleware (tRPC's pattern): protectedProcedure turns the recorded AccessState into a verified token or a
// 401 with its exact reason, adminProcedure adds the role, freshProcedure the age of the login.
import { initTRPC } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z, ZodError } from 'zod';
import type { Context } from './context.js';
import { ApiError, apiErrorToTRPC, errorDetails, toTRPCError, type AuthFailureReason } from './errors.js';
import { validationMessage } from './validation-message.js';

/** `error.data` on the wire (apps/api/README.md, Errors): the tRPC code and status, plus what a caller switches on. */
export interface ApiErrorData {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  path?: string;
  /** Auth failures: MISSING | EXPIRED | INVALID | REVOKED | CREDENTIALS | FRESH_LOGIN_REQUIRED (and CSRF). */
  reason?: AuthFailureReason;
  /** TOO_MANY_REQUESTS: seconds until a retry can succeed (also the Retry-After header). */
  retryAfter?: number;
  /** BAD_REQUEST: zod's flattened errors, or the same shape for a refused password. */
  zodError?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
}

const t = initTRPC.context<Context>().create({
  // Stack traces never go on the wire, in any environment; the server log keeps them.
  isDev: false,
  errorFormatter({ shape, error }) {
    const details = errorDetails(error.cause);
    const data: ApiErrorData = { code: shape.data.code, httpStatus: shape.data.httpStatus };
    if (shape.data.path !== undefined) data.path = shape.data.path;
    if (details.reason !== undefined) data.reason = details.reason;
    if (details.retryAfter !== undefined) data.retryAfter = details.retryAfter;
    if (error.cause instanceof ZodError) data.zodError = z.flattenError(error.cause);
    else if (details.fieldErrors !== undefined)
      data.zodError = { formErrors: [], fieldErrors: details.fieldErrors };
    return { ...shape, message: wireMessage(error.code, error.cause, shape.message), data };
  },
});

function wireMessage(code: TRPC_ERROR_CODE_KEY, cause: unknown, message: string): string {
  // A real fault's message could name a table or a file; the caller gets a fixed sentence instead.
  if (code === 'INTERNAL_SERVER_ERROR') return 'Internal server error';
  // zod's own message is its issue list as JSON; the caller reads one sentence, the list stays in `zodError`.
  if (cause instanceof ZodError) return validationMessage(cause);
  return message;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one place domain errors become tRPC errors (the table is errors.ts): resolvers and middlewares throw. */
function mapDomainError<Result extends { ok: boolean; error?: { cause?: unknown } }>(result: Result): Result {
  if (!result.ok) {
    const mapped = toTRPCError(result.error?.cause);
    if (mapped !== null) throw mapped;
  }
  return result;
}

/** Anyone; `ctx.access` still says whether a valid token came, for procedures that care. */
export const publicProcedure = t.procedure.use(async ({ next }) => mapDomainError(await next()));

/**
 * A valid, unrevoked access token; fails with UNAUTHORIZED and reason MISSING | EXPIRED | INVALID | REVOKED.
 * One middleware, not `publicProcedure.use(...)`: every tRPC middleware layer copies the call's options, and
 * this one runs on every protected call, so the check and the error mapping share it (`pnpm bench --only
 * http` measures `auth.me`; bench/README.md).
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const { access } = ctx;
  if (access.status === 'missing') throw apiErrorToTRPC(new ApiError('TOKEN_MISSING'));
  if (access.status === 'failed') throw apiErrorToTRPC(new ApiError(access.code));
  return mapDomainError(await next({ ctx: { token: access.token } }));
});

/**
 * Role `admin`. The role is read from the user cache (src/user-cache/: the committed row, dropped on every
 * instance when it changes) rather than trusted from the token: a demoted admin must lose access at once, not
 * when their access token expires.
 */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.app.users.get(ctx.token.userId);
  if (user?.role !== 'admin' || user.disabledAt !== null) throw new ApiError('ROLE_TOO_LOW');
  return next({ ctx: { ...ctx, admin: user } });
});

/** A password proven within FRESH_LOGIN_SECONDS (`auth_time` of the token), for sensitive calls. */
export const freshProcedure = protectedProcedure.use(({ ctx, next }) => {
  const ageSeconds = (ctx.app.config.now().getTime() - ctx.token.authTime.getTime()) / 1000;
  if (ageSeconds > ctx.app.config.freshLoginSeconds) throw new ApiError('FRESH_LOGIN_REQUIRED');
  return next();
});
