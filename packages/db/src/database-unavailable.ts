// Whether a failure means the database could not be reached, as opposed to a statement that failed. The API
// answers the first kind with 503 and a Retry-After (the caller did nothing wrong and should try again soon),
// never with a 500. Drizzle wraps driver errors ("Failed query: ..."), so the whole `cause` chain is read.

/** postgres.js's own codes for a connection that failed or went away, and Node's socket errors beneath them. */
const CONNECTION_ERROR_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATEs of a server that is going away or not yet accepting work (PostgreSQL Appendix A): class 08,
 * connection exception; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;

/** PGlite's error once the embedded database has been closed. */
export const PGLITE_CLOSED_MESSAGE = 'PGlite is closed';

const MAX_CAUSE_DEPTH = 8;

/**
 * True when `error` (or any error in its `cause` chain) says the database is unreachable: refused, reset or
 * timed-out connections, a server shutting down or starting up, or a closed embedded database.
 *
 * @example
 * try { await repositories.users.findById(id); }
 * catch (error) { if (isDatabaseUnavailableError(error)) answer503(); else throw error; }
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (
    let depth = 0;
    depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null;
    depth += 1
  ) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)))
      return true;
    if (message === PGLITE_CLOSED_MESSAGE) return true;
    current = cause;
  }
  return false;
}
