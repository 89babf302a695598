// ApiConfig: everything the server needs, derived once from validated environment variables. Tests build one
// with `loadConfig({ ...overrides })`, which runs the very same validation as start-up, never process.env.
import path from 'node:path';
import { parseEnv, type EnvSource, type NodeEnv } from './env.js';

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
  };
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
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How /trpc is served (HTTP_TRANSPORT): the fast transport with tRPC's adapter behind it, or that adapter alone. */
  transport: 'fast' | 'official';
  /** The clock every flow reads; tests inject a controllable one. */
  now: () => Date;
}

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

/** Validates variables exactly as start-up does and derives the configuration. Throws EnvError (one line). */
export function loadConfig(
  source: EnvSource = {},
  options: { now?: () => Date; defaultNodeEnv?: NodeEnv } = {},
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
  return {
    nodeEnv: env.NODE_ENV,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: env.PORT,
    databaseUrl: env.DATABASE_URL ?? null,
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
    },
    serviceClients: new Map(env.SERVICE_CLIENTS),
    serviceRateLimits: {
      introspectPerClient: env.RATE_LIMIT_INTROSPECT_PER_CLIENT,
      perAddress: env.RATE_LIMIT_SERVICE_PER_ADDRESS,
    },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    jsonMaxDepth: env.JSON_MAX_DEPTH,
    revocationPollIntervalMs: env.REVOCATION_POLL_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
    transport: env.HTTP_TRANSPORT,
    now: options.now ?? ((): Date => new Date()),
  };
}
