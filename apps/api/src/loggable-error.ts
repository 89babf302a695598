// What of an error a log line may hold. Any error whose cause chain reaches the database is logged by its
// SQLSTATE and schema names only (databaseErrorSummary in @latchkey/db says why: messages, statements and
// parameters carry values such as password hashes, refresh-token hashes and what callers typed), plus its stack
// frames without the message line. Every other error gets pino's standard serialisation (message and stack,
// causes included). `loggableArguments` applies this to everything a log call receives, so no call site can
// forget it; logger.ts installs it as pino's `logMethod` hook.
import { databaseErrorSummary, isDatabaseError } from '@latchkey/db';
import { stdSerializers } from 'pino';

// Far deeper than any object this app logs; bounds the walk on a cyclic or huge value.
const MAX_DEPTH = 4;

/** The stack's "    at ..." lines: the first line repeats the message, which is what must not be logged. */
function stackFrames(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  return stack
    .split('\n')
    .filter((line) => line.startsWith('    at '))
    .join('\n');
}

/**
 * An error as a log line may hold it.
 *
 * @example
 * loggableError(drizzleQueryError);
 * // { type: 'DrizzleQueryError', code: '23505', constraint: 'users_username_lower_key', table: 'users', stack: '    at ...' }
 */
export function loggableError(error: Error): Record<string, unknown> {
  if (!isDatabaseError(error)) return { ...stdSerializers.err(error) };
  const stack = stackFrames(error.stack);
  // `type` as pino's serialiser names it: the class, e.g. DrizzleQueryError (whose `name` is just Error).
  return {
    type: error.constructor.name,
    ...databaseErrorSummary(error),
    ...(stack === undefined ? {} : { stack }),
  };
}

/** `value` with every Error in it (down to MAX_DEPTH) made loggable; the same object when it holds none. */
function withLoggableErrors(value: unknown, depth: number): unknown {
  if (value instanceof Error) return loggableError(value);
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    const mapped = items.map((item) => withLoggableErrors(item, depth + 1));
    return mapped.some((item, index) => item !== items[index]) ? mapped : value;
  }
  let copy: Record<string, unknown> | null = null;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inner = record[key];
    const loggable = withLoggableErrors(inner, depth + 1);
    if (loggable !== inner) {
      copy ??= { ...record };
      copy[key] = loggable;
    }
  }
  return copy ?? value;
}

/**
 * The arguments of a pino log call with every error made loggable. A call that passes an error without a
 * message would have pino use the error's message as the line's `msg`: a database error's becomes its name.
 */
export function loggableArguments(args: readonly unknown[]): readonly unknown[] {
  const [first, ...rest] = args;
  const hasMessage = typeof rest[0] === 'string';
  if (first instanceof Error) {
    const message = isDatabaseError(first) ? first.constructor.name : first.message;
    return [{ err: loggableError(first) }, ...(hasMessage ? rest : [message, ...rest])];
  }
  const loggable = withLoggableErrors(first, 0);
  if (loggable === first) return args;
  const err = (first as { err?: unknown }).err;
  if (!hasMessage && err instanceof Error)
    return [loggable, isDatabaseError(err) ? err.constructor.name : err.message, ...rest];
  return [loggable, ...rest];
}
