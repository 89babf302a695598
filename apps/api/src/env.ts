// The only file of the API that reads process.env (eslint.config.js enforces it). It parses the variables once
// with zod and turns the first problem into one line that names the variable, so an operator sees exactly
// what to fix.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Repository root `.data/` (git-ignored): src/ and dist/ sit at the same depth, so one relative URL works for both. */
const defaultDataDir = fileURLToPath(new URL('../../../.data/', import.meta.url));

const durationPattern = /^(\d+)(s|m|h|d)?$/;
const secondsPerUnit = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `900`, `900s`, `15m`, `12h`, `30d` → seconds. */
const duration = z
  .string()
  .trim()
  .regex(durationPattern, 'expected a duration such as 900, 15m, 12h or 30d')
  .transform((text) => {
    const [, amount = '0', unit = 's'] = durationPattern.exec(text) ?? [];
    return Number(amount) * secondsPerUnit[unit as keyof typeof secondsPerUnit];
  })
  .pipe(z.number().int().positive('must be greater than zero'));

/** `10/15m` → at most 10 attempts per 15 minutes. */
const rateLimit = z
  .string()
  .trim()
  .regex(/^\d+\/\d+[smhd]?$/, 'expected points/duration such as 10/15m')
  .transform((text) => {
    const [points = '', window = ''] = text.split('/');
    return { points: Number(points), durationSeconds: duration.parse(window) };
  })
  .pipe(z.object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() }));

/**
 * `orders:<digest>,billing:<digest>`: the services allowed to introspect tokens and follow revocations, each
 * with the SHA-256 of its secret (base64url) as `pnpm latchkey service-client <id>` prints it. The API holds
 * digests only, so its environment leaking does not hand out the secrets.
 */
const serviceClients = z
  .string()
  .optional()
  .transform((text) =>
    (text ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9_-]{0,63}:[A-Za-z0-9_-]{43}$/,
          'expected id:digest pairs such as orders:<43 characters> (run `pnpm latchkey service-client orders`)',
        ),
    ),
  )
  .transform((entries) => entries.map((entry) => entry.split(':') as [string, string]))
  .refine(
    (pairs) => new Set(pairs.map(([id]) => id)).size === pairs.length,
    'a service client id appears twice',
  );

const flag = z.enum(['0', '1']).transform((value) => value === '1');

const origin = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
    } catch {
      return false;
    }
  }, 'expected a comma-separated list of origins such as https://app.example.com (scheme, host, optional port; no path)');

/** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465` (TLS from the first byte). */
const mailUrl = z
  .string()
  .trim()
  .regex(
    /^smtps?:\/\/[^/?#]+/,
    'expected an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465',
  );

/** The web app's public address, where emailed links point: scheme, host, optional port and path prefix. */
const publicWebUrl = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, "expected the web app's public URL such as https://app.example.com (no query or fragment)")
  .transform((text) => text.replace(/\/+$/, ''));

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

/** The one spelling of "this is a local run over plain HTTP", in every refusal and document. */
const PLAIN_HTTP_OPT_OUT =
  'for a local run over plain HTTP (no Secure cookies, dev keys, localhost origins) start with `NODE_ENV=development pnpm start`';

export type NodeEnv = 'development' | 'test' | 'production';

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().trim().min(1).optional(),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
    // Straight to the server, when DATABASE_URL goes through a transaction pooler: LISTEN and migrations need a
    // session of their own (README.md, "Many instances behind a transaction pooler").
    DATABASE_DIRECT_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
    // Named prepared statements on DATABASE_URL's pool; unset: on, unless DATABASE_DIRECT_URL says it is a pooler.
    DATABASE_PREPARED_STATEMENTS: flag.optional(),
    LATCHKEY_DATA_DIR: z.string().trim().min(1).default(defaultDataDir),
    JWT_SECRET: z.string().optional(),
    KEY_SET_FILE: z.string().trim().min(1).optional(),
    AUTH_ISSUER: z.string().trim().min(1).default('latchkey'),
    AUTH_AUDIENCE: z.string().trim().min(1).default('latchkey-api'),
    ACCESS_TOKEN_TTL: duration.default(900),
    // Sliding: a session idle this long is over; every refresh moves the expiry (RFC 9700 section 4.14.2).
    REFRESH_TOKEN_TTL: duration.default(30 * 86_400),
    // Absolute cap from login, never extended by refreshes.
    REFRESH_TOKEN_ABSOLUTE_TTL: duration.default(90 * 86_400),
    REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
    FRESH_LOGIN_SECONDS: z.coerce.number().int().positive().default(300),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((text) =>
        (text ?? '')
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      )
      .pipe(z.array(origin)),
    TRUST_PROXY: flag.default(false),
    COOKIE_SECURE: flag.optional(),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: rateLimit.default({ points: 10, durationSeconds: 900 }),
    // Attempts that present a valid device token for the username, per token (services/rate-limits.ts).
    RATE_LIMIT_LOGIN_PER_DEVICE: rateLimit.default({ points: 10, durationSeconds: 900 }),
    RATE_LIMIT_LOGIN_PER_ADDRESS: rateLimit.default({ points: 100, durationSeconds: 900 }),
    RATE_LIMIT_SIGNUP_PER_ADDRESS: rateLimit.default({ points: 20, durationSeconds: 3600 }),
    // Account recovery: email addresses, verification links and password reset (src/services/password-reset.ts).
    // Unset: on outside production, off in production, where it needs MAIL_URL, MAIL_FROM and PUBLIC_WEB_URL.
    ACCOUNT_RECOVERY: flag.optional(),
    MAIL_URL: mailUrl.optional(),
    MAIL_FROM: z.string().trim().min(3).max(320).optional(),
    PUBLIC_WEB_URL: publicWebUrl.optional(),
    MAIL_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
    PASSWORD_RESET_TTL: duration.default(30 * 60),
    EMAIL_VERIFICATION_TTL: duration.default(24 * 3600),
    RATE_LIMIT_RECOVERY_PER_ADDRESS: rateLimit.default({ points: 20, durationSeconds: 3600 }),
    RATE_LIMIT_RECOVERY_PER_ACCOUNT: rateLimit.default({ points: 5, durationSeconds: 3600 }),
    SERVICE_CLIENTS: serviceClients,
    // Token introspection (POST /oauth/introspect) per service client, and both service endpoints per address.
    RATE_LIMIT_INTROSPECT_PER_CLIENT: rateLimit.default({ points: 6000, durationSeconds: 60 }),
    RATE_LIMIT_SERVICE_PER_ADDRESS: rateLimit.default({ points: 6000, durationSeconds: 60 }),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
    JSON_MAX_DEPTH: z.coerce.number().int().min(2).max(256).default(32),
    // How often each instance re-reads the revocations a lost NOTIFY did not bring (src/revocation/).
    REVOCATION_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    // How many users each instance keeps in memory for protected calls (src/user-cache/); the least recently
    // used is evicted past it. Changes whose NOTIFY was lost are re-read every REVOCATION_POLL_INTERVAL_MS.
    USER_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // `pretty`: pino-pretty's lines for a person at a terminal, `pnpm dev`'s default; `json`: one JSON object per line.
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    // How /trpc is served: `fast` (src/http/fast/, falls back to tRPC's adapter for what it does not implement)
    // or `official` (tRPC's standalone adapter for everything).
    HTTP_TRANSPORT: z.enum(['fast', 'official']).default('fast'),
  })
  .superRefine((env, context) => {
    if (env.DATABASE_DIRECT_URL !== undefined && env.DATABASE_URL === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['DATABASE_DIRECT_URL'],
        message:
          'is the direct connection that goes with a pooled DATABASE_URL; set DATABASE_URL to the pooler (or unset both for the embedded database)',
      });
    }
    if (env.NODE_ENV !== 'production') return;
    if ((env.JWT_SECRET ?? '') === '' && env.KEY_SET_FILE === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `production (what \`pnpm start\` runs unless NODE_ENV says otherwise) needs a signing key and never generates one: start with \`JWT_SECRET=$(pnpm --silent latchkey secret) pnpm start\`, or set KEY_SET_FILE to a key set from \`pnpm latchkey keys generate\`; ${PLAIN_HTTP_OPT_OUT}`,
      });
    }
    if (env.ACCOUNT_RECOVERY === true) {
      // Without a transport, reset and verification links would go nowhere (development keeps an outbox).
      const missing = (['MAIL_URL', 'MAIL_FROM', 'PUBLIC_WEB_URL'] as const).find(
        (name) => env[name] === undefined,
      );
      if (missing !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [missing],
          message: `production with ACCOUNT_RECOVERY=1 needs MAIL_URL (smtp:// or smtps://), MAIL_FROM and PUBLIC_WEB_URL (where emailed links point, never taken from a request); ${missing} is unset. Set them, or ACCOUNT_RECOVERY=0 to run without email and password reset`,
        });
      }
    }
    if (env.LOG_FORMAT === 'pretty') {
      context.addIssue({
        code: 'custom',
        path: ['LOG_FORMAT'],
        message: `production logs one JSON object per line, for a log pipeline to read: unset LOG_FORMAT; ${PLAIN_HTTP_OPT_OUT}`,
      });
    }
    if (env.COOKIE_SECURE === false) {
      context.addIssue({
        code: 'custom',
        path: ['COOKIE_SECURE'],
        message: `production refuses insecure cookies: unset COOKIE_SECURE or set it to 1; ${PLAIN_HTTP_OPT_OUT}`,
      });
    }
  });

export type EnvSource = Readonly<Record<string, string | undefined>>;
export type Env = z.output<typeof envSchema>;

/** A start-up configuration problem, always one line naming the variable. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * Parses variables (empty strings count as unset); throws EnvError naming the first bad variable.
 * `defaultNodeEnv` is what an unset NODE_ENV means: `pnpm start`'s entry passes `production`, `pnpm dev`'s
 * `development` (also the default for tests and the CLI, which always say what they want).
 */
export function parseEnv(source: EnvSource, options: { defaultNodeEnv?: NodeEnv } = {}): Env {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape).map((name) => [name, emptyAsUndefined(source[name])]),
  );
  known.NODE_ENV ??= options.defaultNodeEnv;
  const result = envSchema.safeParse(known);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // The variable only (CORS_ORIGINS, not CORS_ORIGINS.1); values are never echoed, a secret could be among them.
  const variable = String(issue?.path[0] ?? 'environment');
  throw new EnvError(`Invalid environment variable ${variable}: ${issue?.message ?? 'invalid'}`);
}

/** A copy of the process environment, for `loadConfig` in main.ts and the CLI. */
export function processEnv(): EnvSource {
  return { ...process.env };
}
