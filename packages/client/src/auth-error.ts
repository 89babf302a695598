import { TRPCClientError } from '@trpc/client';

/**
 * The `reason` the API puts on auth failures (apps/api/README.md, Errors; `CSRF` and `SELF_TARGET`, an admin
 * acting on their own account, come with FORBIDDEN).
 */
export type ApiErrorReason =
  | 'MISSING'
  | 'EXPIRED'
  | 'INVALID'
  | 'REVOKED'
  | 'CREDENTIALS'
  | 'FRESH_LOGIN_REQUIRED'
  | 'CSRF'
  /** An emailed link is unknown, used, replaced by a newer one or expired (BAD_REQUEST): ask for a new link. */
  | 'LINK_INVALID'
  /** The server runs without email and password reset (PRECONDITION_FAILED). */
  | 'RECOVERY_DISABLED'
  | 'SELF_TARGET';

const API_ERROR_REASONS: ReadonlySet<string> = new Set<ApiErrorReason>([
  'MISSING',
  'EXPIRED',
  'INVALID',
  'REVOKED',
  'CREDENTIALS',
  'FRESH_LOGIN_REQUIRED',
  'CSRF',
  'LINK_INVALID',
  'RECOVERY_DISABLED',
  'SELF_TARGET',
]);

/** What the client and the UI need to know about a failed call, read defensively from tRPC's error shape. */
export interface ApiErrorInfo {
  /** tRPC's code, e.g. `UNAUTHORIZED`, `CONFLICT`, `TOO_MANY_REQUESTS`; null when the API was not reached. */
  readonly code: string | null;
  readonly httpStatus: number | null;
  readonly reason: ApiErrorReason | null;
  /** Seconds to wait, for TOO_MANY_REQUESTS. */
  readonly retryAfterSeconds: number | null;
  readonly message: string;
}

/**
 * Reads the code, reason and retry delay from any error a tRPC call threw.
 *
 * @example
 * const info = describeApiError(error);
 * if (info.code === 'TOO_MANY_REQUESTS') showWait(info.retryAfterSeconds);
 */
export function describeApiError(error: unknown): ApiErrorInfo {
  if (!(error instanceof TRPCClientError)) {
    return {
      code: null,
      httpStatus: null,
      reason: null,
      retryAfterSeconds: null,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const data: unknown = error.data;
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const code = typeof record.code === 'string' ? record.code : null;
  const httpStatus = typeof record.httpStatus === 'number' ? record.httpStatus : null;
  const reason =
    typeof record.reason === 'string' && API_ERROR_REASONS.has(record.reason)
      ? (record.reason as ApiErrorReason)
      : null;
  const retryAfterSeconds = typeof record.retryAfter === 'number' ? record.retryAfter : null;
  return { code, httpStatus, reason, retryAfterSeconds, message: error.message };
}

/** True when the error is UNAUTHORIZED with the given reason. */
export function isUnauthorized(error: unknown, reason?: ApiErrorReason): boolean {
  const info = describeApiError(error);
  return info.code === 'UNAUTHORIZED' && (reason === undefined || info.reason === reason);
}
