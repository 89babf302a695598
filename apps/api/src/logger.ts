// pino, shaped so that no credential or query parameter is put into a line in the first place. The request log
// line carries method, path, status, time and user id only (server.ts); what else could carry a secret is
// handled by name, at no cost to lines that do not have it:
//   - serialisers for the objects that hold secrets by nature: `req`/`res` (no headers at all), `headers`
//     (credential headers censored), `input` (keys kept, values censored), `err`/`error`/`cause` (a database
//     error by its SQLSTATE and schema names only, see loggable-error.ts);
//   - exact redact paths for a top-level credential field logged by mistake;
//   - the logMethod hook (loggable-error.ts), which does the same for an Error anywhere in the logged object.
// No wildcard redact paths: pino checks those against every key of every line, which makes the request line
// cost far more than exact paths do (test/scripts/log-line-cost.ts measures it).
import { isDatabaseError, databaseErrorSummary } from '@latchkey/db';
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';
import { loggableArguments, loggableError } from './loggable-error.js';

const CENSOR = '[redacted]';

/** Field names that hold a credential wherever they appear. */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'parameters',
  'params',
  'query',
] as const;
const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));

/** pino's path syntax: `.key` for identifiers, `["key"]` for names like `set-cookie`. */
function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}

/** Exact paths only: each secret field name at the top level of a line. */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.map(pathSegment);

/** A record's own keys, with every value censored: which fields came, never what they held. */
function censoredValues(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return CENSOR;
  return Object.fromEntries(Object.keys(value).map((key) => [key, CENSOR]));
}

/** Headers with every credential header censored (names compared in lower case, as Node gives them). */
function censoredHeaders(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, header]) => [
      name,
      SECRET_KEY_SET.has(name.toLowerCase()) ? CENSOR : (header as unknown),
    ]),
  );
}

/** A request as a line may hold it: method and path; never headers, query string or body. */
function requestSummary(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { method, url } = value as { method?: unknown; url?: unknown };
  return {
    ...(typeof method === 'string' ? { method } : {}),
    ...(typeof url === 'string' ? { path: url.split('?')[0] } : {}),
  };
}

/** A response as a line may hold it: its status; never its headers (Set-Cookie). */
function responseSummary(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { statusCode } = value as { statusCode?: unknown };
  return typeof statusCode === 'number' ? { statusCode } : {};
}

/** An error (or an error-like object) under `err`, `error` or `cause`. */
function errorSummary(value: unknown): unknown {
  if (value instanceof Error) return loggableError(value);
  if (typeof value === 'object' && value !== null && isDatabaseError(value))
    return databaseErrorSummary(value);
  return value;
}

export type { Logger };

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'latchkey-api' },
      redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
      serializers: {
        err: errorSummary,
        error: errorSummary,
        cause: errorSummary,
        req: requestSummary,
        res: responseSummary,
        headers: censoredHeaders,
        input: censoredValues,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, loggableArguments(args) as Parameters<LogFn>);
        },
      },
    },
    options.destination,
  );
}
