// What of a database error may be written to a log. A driver error carries the values of the failed statement:
// Drizzle's wrapper quotes the statement and its parameters in its message ("Failed query: ... params: ..."),
// postgres.js's PostgresError keeps `query` and `parameters`, PGlite's error keeps `query` and `params`, and the
// server's own message and `detail` quote the offending value ("Key (username)=(ada) already exists"). A
// parameter can be a password hash, a refresh-token hash or whatever a caller typed, so a log line gets only
// the SQLSTATE and the names of the constraint, table and column, which come from the schema, never from data.
import { PGLITE_CLOSED_MESSAGE } from './database-unavailable.js';

/** The parts of a database error that hold no value from a statement. */
export interface DatabaseErrorSummary {
  /** SQLSTATE (PostgreSQL Appendix A), or the driver's or socket's own code (CONNECTION_ENDED, ECONNREFUSED). */
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

// Deeper than any wrapping this repository does (TRPCError -> DrizzleQueryError -> driver error -> socket error).
const MAX_CAUSE_DEPTH = 8;
// Fields in which postgres.js, PGlite or Drizzle keep a statement or its values.
const STATEMENT_FIELDS = ['query', 'parameters', 'params', 'detail', 'where', 'internalQuery'] as const;

// PGlite's closed instance has no code of its own; this stands for its message, which is a fixed sentence.
const PGLITE_CLOSED_CODE = 'PGLITE_CLOSED';

type ErrorFields = Record<string, unknown>;

function causeChain(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  let current: unknown = error;
  while (chain.length < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null) {
    const fields = current as ErrorFields;
    chain.push(fields);
    current = fields.cause;
  }
  return chain;
}

/** A PostgreSQL server error as either driver reports it: a severity and a five-character SQLSTATE. */
function isServerError(fields: ErrorFields): boolean {
  return typeof fields.severity === 'string' && typeof fields.code === 'string' && fields.code.length === 5;
}

function stringField(fields: ErrorFields, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * True when `error`, or an error in its `cause` chain, comes from the database layer and so may carry a
 * statement's values: a PostgreSQL server error, a Drizzle query error, a closed PGlite.
 */
export function isDatabaseError(error: unknown): boolean {
  return causeChain(error).some(
    (fields) =>
      isServerError(fields) ||
      fields.message === PGLITE_CLOSED_MESSAGE ||
      STATEMENT_FIELDS.some((name) => Object.hasOwn(fields, name)),
  );
}

/**
 * The SQLSTATE and schema names of a database error (read along its `cause` chain), for a log line; every
 * message, statement and parameter is left out. Empty when the chain names none of them.
 *
 * @example
 * logger.error({ failure: databaseErrorSummary(error) }, 'insert failed');
 * // {"failure":{"code":"23505","constraint":"users_username_lower_key","table":"users"}, ...}
 */
export function databaseErrorSummary(error: unknown): DatabaseErrorSummary {
  const chain = causeChain(error);
  const server = chain.find(isServerError);
  if (server !== undefined) {
    const constraint = stringField(server, 'constraint_name', 'constraint');
    const table = stringField(server, 'table_name', 'table');
    const column = stringField(server, 'column_name', 'column');
    return {
      code: server.code as string,
      ...(constraint === undefined ? {} : { constraint }),
      ...(table === undefined ? {} : { table }),
      ...(column === undefined ? {} : { column }),
    };
  }
  if (chain.some((fields) => fields.message === PGLITE_CLOSED_MESSAGE)) return { code: PGLITE_CLOSED_CODE };
  // No server error: the innermost code is the driver's or the socket's reason (an outer TRPCError has one too).
  const code = chain
    .map((fields) => fields.code)
    .filter((value) => typeof value === 'string')
    .at(-1);
  return code === undefined ? {} : { code };
}
