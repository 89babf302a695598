// pino, with every field that could hold a credential redacted. The request log never includes headers or
// bodies in the first place; `redact` is the second line of defence for anything logged by mistake (an error
// object carrying a request). Errors go through loggable-error.ts on every call: a database error is logged
// by its SQLSTATE and schema names only, since its message and fields quote the statement's parameters.
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';
import { loggableArguments, loggableError } from './loggable-error.js';

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
] as const;

/** pino's path syntax: `.key` for identifiers, `["key"]` for names like `set-cookie`. */
function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

/** `key`, `*.key` and `*.*.key` for each secret field name, plus the header paths pino's own serialisers use. */
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => {
    const segment = pathSegment(key);
    return [segment.replace(/^\./, ''), `*${segment}`, `*.*${segment}`];
  }),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export type { Logger };

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'latchkey-api' },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      // pino's own `err` serialiser would serialise the already loggable error again, as an `Object`.
      serializers: { err: (value: unknown) => (value instanceof Error ? loggableError(value) : value) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, loggableArguments(args) as Parameters<LogFn>);
        },
      },
    },
    options.destination,
  );
}
