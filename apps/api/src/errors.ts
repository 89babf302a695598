// Every failure a caller can cause, and the one table that turns it into a tRPC error. Domain code
// throws ApiError (this app) or AuthError (@latchkey/auth); `toTRPCError` is applied once, in the middleware every
// procedure starts with, so resolvers never try/catch. A code missing from a table is a type error.
import { AuthError, type AuthErrorCode } from '@latchkey/auth';
import { isDatabaseUnavailableError } from '@latchkey/db';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/** Reasons a caller can switch on, sent as `error.data.reason` (apps/api/README.md, Errors). */
export type AuthFailureReason =
  | 'MISSING'
  | 'EXPIRED'
  | 'INVALID'
  | 'REVOKED'
  | 'CREDENTIALS'
  | 'FRESH_LOGIN_REQUIRED'
  | 'CSRF'
  /** An emailed link's token is unknown, used, replaced by a newer one or expired: ask for a new link. */
  | 'LINK_INVALID'
  /** This server runs without account recovery (ACCOUNT_RECOVERY=0): no email, no password reset. */
  | 'RECOVERY_DISABLED'
  | 'SELF_TARGET';

export type ApiErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_INVALID'
  | 'SESSION_REVOKED'
  | 'REFRESH_TOKEN_MISSING'
  | 'REFRESH_TOKEN_INVALID'
  | 'REFRESH_TOKEN_EXPIRED'
  | 'CREDENTIALS'
  | 'FRESH_LOGIN_REQUIRED'
  | 'ROLE_TOO_LOW'
  | 'ADMIN_SELF_TARGET'
  | 'CSRF_REJECTED'
  | 'USERNAME_TAKEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'INVALID_INPUT'
  | 'STREAMED_COOKIE_CALL'
  | 'DATABASE_UNAVAILABLE'
  | 'EMAIL_LINK_INVALID'
  | 'EMAIL_TAKEN'
  | 'RECOVERY_DISABLED';

/**
 * How long a caller is asked to wait when the database cannot be reached: long enough for a restart or a
 * fail-over to finish, short enough that a client retrying on Retry-After recovers within seconds of it.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ApiErrorOptions {
  message?: string;
  /** For RATE_LIMITED: whole seconds until a retry can succeed. */
  retryAfterSeconds?: number;
  /** For INVALID_INPUT: the same shape as zod's flattened field errors. */
  fieldErrors?: Record<string, string[]>;
  cause?: unknown;
}

/** A failure the caller caused (or is told about), with a stable code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly fieldErrors: Record<string, string[]> | undefined;

  constructor(code: ApiErrorCode, options: ApiErrorOptions = {}) {
    super(options.message ?? defaultMessages[code], { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.fieldErrors = options.fieldErrors;
  }
}

interface ErrorMapping {
  code: TRPC_ERROR_CODE_KEY;
  reason?: AuthFailureReason;
}

const apiErrorTable = {
  TOKEN_MISSING: { code: 'UNAUTHORIZED', reason: 'MISSING' },
  TOKEN_EXPIRED: { code: 'UNAUTHORIZED', reason: 'EXPIRED' },
  TOKEN_INVALID: { code: 'UNAUTHORIZED', reason: 'INVALID' },
  SESSION_REVOKED: { code: 'UNAUTHORIZED', reason: 'REVOKED' },
  REFRESH_TOKEN_MISSING: { code: 'UNAUTHORIZED', reason: 'MISSING' },
  REFRESH_TOKEN_INVALID: { code: 'UNAUTHORIZED', reason: 'INVALID' },
  REFRESH_TOKEN_EXPIRED: { code: 'UNAUTHORIZED', reason: 'EXPIRED' },
  CREDENTIALS: { code: 'UNAUTHORIZED', reason: 'CREDENTIALS' },
  FRESH_LOGIN_REQUIRED: { code: 'UNAUTHORIZED', reason: 'FRESH_LOGIN_REQUIRED' },
  ROLE_TOO_LOW: { code: 'FORBIDDEN' },
  ADMIN_SELF_TARGET: { code: 'FORBIDDEN', reason: 'SELF_TARGET' },
  CSRF_REJECTED: { code: 'FORBIDDEN', reason: 'CSRF' },
  USERNAME_TAKEN: { code: 'CONFLICT' },
  NOT_FOUND: { code: 'NOT_FOUND' },
  RATE_LIMITED: { code: 'TOO_MANY_REQUESTS' },
  INVALID_INPUT: { code: 'BAD_REQUEST' },
  STREAMED_COOKIE_CALL: { code: 'BAD_REQUEST' },
  DATABASE_UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE' },
  EMAIL_LINK_INVALID: { code: 'BAD_REQUEST', reason: 'LINK_INVALID' },
  EMAIL_TAKEN: { code: 'CONFLICT' },
  RECOVERY_DISABLED: { code: 'PRECONDITION_FAILED', reason: 'RECOVERY_DISABLED' },
} as const satisfies Record<ApiErrorCode, ErrorMapping>;

const authErrorTable = {
  TOKEN_EXPIRED: { code: 'UNAUTHORIZED', reason: 'EXPIRED' },
  TOKEN_INVALID: { code: 'UNAUTHORIZED', reason: 'INVALID' },
  PASSWORD_POLICY: { code: 'BAD_REQUEST' },
} as const satisfies Record<AuthErrorCode, ErrorMapping>;

const defaultMessages = {
  TOKEN_MISSING: 'Authentication required',
  TOKEN_EXPIRED: 'Access token expired',
  TOKEN_INVALID: 'Access token invalid',
  SESSION_REVOKED: 'Session revoked',
  REFRESH_TOKEN_MISSING: 'Refresh token required',
  REFRESH_TOKEN_INVALID: 'Refresh token invalid',
  REFRESH_TOKEN_EXPIRED: 'Refresh token expired',
  CREDENTIALS: 'Invalid username or password',
  FRESH_LOGIN_REQUIRED: 'Log in again to do this',
  ROLE_TOO_LOW: 'Not allowed',
  ADMIN_SELF_TARGET: 'An admin cannot do this to their own account or session',
  CSRF_REJECTED: 'Cross-site request refused',
  USERNAME_TAKEN: 'Username already taken',
  NOT_FOUND: 'Not found',
  RATE_LIMITED: 'Too many attempts, try again later',
  INVALID_INPUT: 'Invalid input',
  STREAMED_COOKIE_CALL: 'This call sets the refresh cookie, which a streamed answer cannot carry',
  DATABASE_UNAVAILABLE: 'Service temporarily unavailable, try again shortly',
  EMAIL_LINK_INVALID: 'This link is invalid or has expired; ask for a new one',
  EMAIL_TAKEN: 'Another account uses this email address',
  RECOVERY_DISABLED: 'Email and password reset are not enabled on this server',
} satisfies Record<ApiErrorCode, string>;

/** What the error formatter adds to `error.data`. */
export interface ErrorDetails {
  reason?: AuthFailureReason;
  retryAfter?: number;
  fieldErrors?: Record<string, string[]>;
}

/**
 * A failure that is not a domain error but still not the caller's doing nor a bug: the database could not be
 * reached. It becomes DATABASE_UNAVAILABLE (503 with Retry-After), so clients retry instead of giving up.
 */
function asDomainError(error: unknown): unknown {
  if (error instanceof ApiError || error instanceof AuthError) return error;
  return isDatabaseUnavailableError(error)
    ? new ApiError('DATABASE_UNAVAILABLE', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS, cause: error })
    : error;
}

/** An ApiError as the tRPC error it maps to, for a middleware that refuses a call itself. */
export function apiErrorToTRPC(error: ApiError): TRPCError {
  return new TRPCError({ code: apiErrorTable[error.code].code, message: error.message, cause: error });
}

/**
 * Maps a domain error (or an unreachable database) to the TRPCError the caller sees; null for anything else,
 * so a real fault stays a 500.
 */
export function toTRPCError(thrown: unknown): TRPCError | null {
  const error = asDomainError(thrown);
  if (error instanceof ApiError) return apiErrorToTRPC(error);
  if (error instanceof AuthError) {
    return new TRPCError({ code: authErrorTable[error.code].code, message: error.message, cause: error });
  }
  return null;
}

/** The extra `error.data` fields for a mapped domain error (see `toTRPCError`). */
export function errorDetails(cause: unknown): ErrorDetails {
  if (cause instanceof ApiError) {
    const mapping: ErrorMapping = apiErrorTable[cause.code];
    return {
      ...(mapping.reason === undefined ? {} : { reason: mapping.reason }),
      ...(cause.retryAfterSeconds === undefined ? {} : { retryAfter: cause.retryAfterSeconds }),
      ...(cause.fieldErrors === undefined ? {} : { fieldErrors: cause.fieldErrors }),
    };
  }
  if (cause instanceof AuthError) {
    const mapping: ErrorMapping = authErrorTable[cause.code];
    return mapping.reason === undefined ? {} : { reason: mapping.reason };
  }
  return {};
}
