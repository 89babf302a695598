// ApiConfig: everything the server needs, derived once from validated environment variables. Tests build one
// with `loadConfig({ ...overrides })`, which runs the very same validation as start-up, never process.env.
import path from 'node:path';
import { parseEnv, type EnvSource, type NodeEnv } from './env.js';

export type LogFormat = 'json' | 'pretty';

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export type SigningConfig =
  | { kind: 'secret'; secret: string }
  /** A key set file; `generateIfMissing` only in development (never in production). */
  | { kind: 'key-set'; file: string; generateIfMissing: boolean };

export interface ApiConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** null: embedded PGlite (in `dataDir/pglite`, or in memory when `dataDir` is null). */
  databaseUrl: string | null;
  /** A connection straight to the server when `databaseUrl` goes through a transaction pooler; null: none. */
  databaseDirectUrl: string | null;
  /** Named server-side prepared statements on `databaseUrl`'s pool (off by default behind a pooler). */
  databasePreparedStatements: boolean;
  dataDir: string | null;
  signing: SigningConfig;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Sliding idle lifetime of a session (REFRESH_TOKEN_TTL). */
  refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a session from login (REFRESH_TOKEN_ABSOLUTE_TTL). */
  refreshTokenAbsoluteTtlSeconds: number;
  refreshGraceSeconds: number;
  freshLoginSeconds: number;
  corsOrigins: readonly string[];
  trustProxy: boolean;
  cookie: RefreshCookieConfig;
  deviceCookie: DeviceCookieConfig;
  rateLimits: {
    loginPerAccount: RateLimitRule;
    loginPerDevice: RateLimitRule;
    loginPerAddress: RateLimitRule;
    signupPerAddress: RateLimitRule;
    recoveryPerAddress: RateLimitRule;
    recoveryPerAccount: RateLimitRule;
  };
  /** Email addresses, verification and password reset; null when ACCOUNT_RECOVERY is off. */
  recovery: RecoveryConfig | null;
  /** SERVICE_CLIENTS: each service client's id and the SHA-256 digest (base64url) of its secret. */
  serviceClients: ReadonlyMap<string, string>;
  serviceRateLimits: {
    introspectPerClient: RateLimitRule;
    perAddress: RateLimitRule;
  };
  bodyLimitBytes: number;
  jsonMaxDepth: number;
  /** How often the revocation set re-reads the database for revocations a lost NOTIFY did not bring. */
  revocationPollIntervalMs: number;
  /** How many users the in-memory user cache holds before it evicts the least recently used. */
  userCacheMaxEntries: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `json` lines (production, `pnpm start`) or pino-pretty's (`pnpm dev`'s default): LOG_FORMAT. */
  logFormat: LogFormat;
  /** How /trpc is served (HTTP_TRANSPORT): the fast transport with tRPC's adapter behind it, or that adapter alone. */
  transport: 'fast' | 'official';
  /** The clock every flow reads; tests inject a controllable one. */
  now: () => Date;
}

/** Where mail goes: an SMTP server, or (outside production, without MAIL_URL) the in-memory development outbox. */
export type MailTransportConfig = { kind: 'smtp'; url: string; timeoutSeconds: number } | { kind: 'outbox' };

export interface RecoveryConfig {
  mail: MailTransportConfig;
  /** The From header of every message. */
  from: string;
  /** The web app's public URL without a trailing slash; every emailed link starts with it. */
  publicWebUrl: string;
  passwordResetTtlSeconds: number;
  emailVerificationTtlSeconds: number;
}

/** The development defaults of recovery: the Vite dev server, and a From that names the product. */
const DEVELOPMENT_PUBLIC_WEB_URL = 'http://localhost:5173';
const DEVELOPMENT_MAIL_FROM = 'Latchkey <no-reply@localhost>';

export interface RefreshCookieConfig {
  name: string;
  path: string;
  secure: boolean;
}

/**
 * The refresh cookie. Secure cookies take the `__Host-` prefix, which the browser only accepts with
 * `Secure`, no `Domain` and `Path=/`: the prefix pins the cookie to this exact host (no subdomain can plant or
 * overwrite it), which is worth more than narrowing the Path. Without Secure (plain-HTTP development) the Path
 * is narrowed to `/trpc`, the prefix every refresh and logout call uses, batched or not (`/trpc/auth.refresh,x`).
 */
export function refreshCookieConfig(options: { secure: boolean }): RefreshCookieConfig {
  return options.secure
    ? { name: '__Host-latchkey-refresh', path: '/', secure: true }
    : { name: 'latchkey-refresh', path: '/trpc', secure: false };
}

export type DeviceCookieConfig = RefreshCookieConfig;

/**
 * The device-token cookie (services/device-token.ts), with the refresh cookie's conventions for the same
 * reasons: `__Host-` and `Path=/` when Secure, else narrowed to `/trpc`, where every login call goes.
 */
export function deviceCookieConfig(options: { secure: boolean }): DeviceCookieConfig {
  return options.secure
    ? { name: '__Host-latchkey-device', path: '/', secure: true }
    : { name: 'latchkey-device', path: '/trpc', secure: false };
}

/**
 * Validates variables exactly as start-up does and derives the configuration. Throws EnvError (one line).
 * `defaultLogFormat` is what an unset LOG_FORMAT means outside production (`pnpm dev` passes `pretty`);
 * production always logs JSON.
 */
export function loadConfig(
  source: EnvSource = {},
  options: { now?: () => Date; defaultNodeEnv?: NodeEnv; defaultLogFormat?: LogFormat } = {},
): ApiConfig {
  const env = parseEnv(
    source,
    options.defaultNodeEnv === undefined ? {} : { defaultNodeEnv: options.defaultNodeEnv },
  );
  const production = env.NODE_ENV === 'production';
  const secure = env.COOKIE_SECURE ?? production;
  const secret = env.JWT_SECRET ?? '';
  const signing: SigningConfig =
    secret !== ''
      ? { kind: 'secret', secret }
      : {
          kind: 'key-set',
          file: env.KEY_SET_FILE ?? path.join(env.LATCHKEY_DATA_DIR, 'keys.json'),
          generateIfMissing: !production && env.KEY_SET_FILE === undefined,
        };
  const recoveryOn = env.ACCOUNT_RECOVERY ?? !production;
  const recovery: RecoveryConfig | null = recoveryOn
    ? {
        mail:
          env.MAIL_URL === undefined
            ? { kind: 'outbox' }
            : { kind: 'smtp', url: env.MAIL_URL, timeoutSeconds: env.MAIL_TIMEOUT_SECONDS },
        from: env.MAIL_FROM ?? DEVELOPMENT_MAIL_FROM,
        publicWebUrl: env.PUBLIC_WEB_URL ?? DEVELOPMENT_PUBLIC_WEB_URL,
        passwordResetTtlSeconds: env.PASSWORD_RESET_TTL,
        emailVerificationTtlSeconds: env.EMAIL_VERIFICATION_TTL,
      }
    : null;
  return {
    nodeEnv: env.NODE_ENV,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: env.PORT,
    databaseUrl: env.DATABASE_URL ?? null,
    databaseDirectUrl: env.DATABASE_DIRECT_URL ?? null,
    // A direct URL beside DATABASE_URL means DATABASE_URL is a pooler, and most cannot keep a named statement
    // from one transaction to the next; PgBouncer 1.21+ with max_prepared_statements can (opt in with 1).
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS ?? env.DATABASE_DIRECT_URL === undefined,
    dataDir: env.LATCHKEY_DATA_DIR,
    signing,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL,
    refreshTokenAbsoluteTtlSeconds: env.REFRESH_TOKEN_ABSOLUTE_TTL,
    refreshGraceSeconds: env.REFRESH_GRACE_SECONDS,
    freshLoginSeconds: env.FRESH_LOGIN_SECONDS,
    corsOrigins:
      env.CORS_ORIGINS.length > 0 || production
        ? env.CORS_ORIGINS
        : ['http://localhost:5173', 'http://127.0.0.1:5173'],
    trustProxy: env.TRUST_PROXY,
    cookie: refreshCookieConfig({ secure }),
    deviceCookie: deviceCookieConfig({ secure }),
    rateLimits: {
      loginPerAccount: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      loginPerDevice: env.RATE_LIMIT_LOGIN_PER_DEVICE,
      loginPerAddress: env.RATE_LIMIT_LOGIN_PER_ADDRESS,
      signupPerAddress: env.RATE_LIMIT_SIGNUP_PER_ADDRESS,
      recoveryPerAddress: env.RATE_LIMIT_RECOVERY_PER_ADDRESS,
      recoveryPerAccount: env.RATE_LIMIT_RECOVERY_PER_ACCOUNT,
    },
    recovery,
    serviceClients: new Map(env.SERVICE_CLIENTS),
    serviceRateLimits: {
      introspectPerClient: env.RATE_LIMIT_INTROSPECT_PER_CLIENT,
      perAddress: env.RATE_LIMIT_SERVICE_PER_ADDRESS,
    },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    jsonMaxDepth: env.JSON_MAX_DEPTH,
    revocationPollIntervalMs: env.REVOCATION_POLL_INTERVAL_MS,
    userCacheMaxEntries: env.USER_CACHE_MAX_ENTRIES,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (production ? 'json' : (options.defaultLogFormat ?? 'json')),
    transport: env.HTTP_TRANSPORT,
    now: options.now ?? ((): Date => new Date()),
  };
}
