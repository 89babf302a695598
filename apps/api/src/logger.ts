// pino, with every field that could hold a credential redacted. The request log never includes headers or
// bodies in the first place; `redact` is the second line of defence for anything logged by mistake
// (an error object carrying a request, a driver error carrying query parameters).
import { pino, type DestinationStream, type Logger } from 'pino';

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
    },
    options.destination,
  );
}
