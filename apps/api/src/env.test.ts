import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { EnvError, parseEnv } from './env.js';

const SECRET = 'dZjJ8UAsj9l328XPwTA4Jt50M3c8PtPjSU_xuwTzc8w';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 30 * 86_400,
      REFRESH_TOKEN_ABSOLUTE_TTL: 90 * 86_400,
      REFRESH_GRACE_SECONDS: 10,
      FRESH_LOGIN_SECONDS: 300,
      TRUST_PROXY: false,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: { points: 10, durationSeconds: 900 },
      RATE_LIMIT_LOGIN_PER_DEVICE: { points: 10, durationSeconds: 900 },
      RATE_LIMIT_LOGIN_PER_ADDRESS: { points: 100, durationSeconds: 900 },
      RATE_LIMIT_SIGNUP_PER_ADDRESS: { points: 20, durationSeconds: 3600 },
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['ACCESS_TOKEN_TTL', '15 minutes'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['CORS_ORIGINS', 'https://ok.example,https://bad.example/path'],
    ['TRUST_PROXY', 'yes'],
    ['RATE_LIMIT_LOGIN_PER_ACCOUNT', '10 per minute'],
    ['RATE_LIMIT_LOGIN_PER_DEVICE', '0/15m'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_DIRECT_URL', 'mysql://x'],
    ['DATABASE_PREPARED_STATEMENTS', 'off'],
    ['LOG_FORMAT', 'colour'],
    ['NODE_ENV', 'staging'],
  ])('names %s in a one-line error for %j', (variable, value) => {
    let error: unknown;
    try {
      parseEnv({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid environment variable ${variable}: `));
    expect((error as Error).message).not.toContain('\n');
  });

  it('parses durations with units', () => {
    expect(parseEnv({ ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '12h' })).toMatchObject({
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 43_200,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom(['s', 1], ['m', 60], ['h', 3600], ['d', 86_400]),
        (amount, [unit, factor]) => {
          expect(parseEnv({ ACCESS_TOKEN_TTL: `${amount}${unit}` }).ACCESS_TOKEN_TTL).toBe(
            amount * (factor as number),
          );
        },
      ),
    );
  });

  it('reads SERVICE_CLIENTS as id:digest pairs, and refuses a secret in place of a digest or a repeated id', () => {
    const digest = 'a'.repeat(43);
    expect([
      ...loadConfig({ SERVICE_CLIENTS: `orders:${digest}, billing:${digest}` }).serviceClients,
    ]).toEqual([
      ['orders', digest],
      ['billing', digest],
    ]);
    expect(loadConfig({}).serviceClients.size).toBe(0);
    expect(() => parseEnv({ SERVICE_CLIENTS: 'orders:hunter2' })).toThrow(
      /^Invalid environment variable SERVICE_CLIENTS: expected id:digest pairs/,
    );
    expect(() => parseEnv({ SERVICE_CLIENTS: `orders:${digest},orders:${digest}` })).toThrow(
      /SERVICE_CLIENTS: a service client id appears twice/,
    );
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ PORT: '', JWT_SECRET: '' })).toMatchObject({ PORT: 3000, JWT_SECRET: undefined });
  });
});

describe('production start-up', () => {
  it('refuses to start without JWT_SECRET or KEY_SET_FILE, naming the commands that fix it', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(
      /^Invalid environment variable JWT_SECRET: production \(what `pnpm start` runs unless NODE_ENV says otherwise\) needs a signing key/,
    );
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(
      'start with `JWT_SECRET=$(pnpm --silent latchkey secret) pnpm start`, or set KEY_SET_FILE to a key set from `pnpm latchkey keys generate`; for a local run over plain HTTP (no Secure cookies, dev keys, localhost origins) start with `NODE_ENV=development pnpm start`',
    );
  });

  it('refuses insecure cookies', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET, COOKIE_SECURE: '0' })).toThrow(
      /COOKIE_SECURE/,
    );
  });

  it('uses __Host- Secure cookies on Path=/ and never generates keys', () => {
    const config = loadConfig({ NODE_ENV: 'production', KEY_SET_FILE: '/etc/latchkey/keys.json' });
    expect(config.cookie).toEqual({ name: '__Host-latchkey-refresh', path: '/', secure: true });
    expect(config.signing).toEqual({
      kind: 'key-set',
      file: '/etc/latchkey/keys.json',
      generateIfMissing: false,
    });
    expect(config.corsOrigins).toEqual([]);
    expect(config.host).toBe('0.0.0.0');
  });
});

describe('entry defaults', () => {
  it('reads an unset NODE_ENV as the entry says: production for pnpm start, development otherwise', () => {
    expect(loadConfig({ JWT_SECRET: SECRET }, { defaultNodeEnv: 'production' })).toMatchObject({
      nodeEnv: 'production',
      cookie: { name: '__Host-latchkey-refresh', secure: true },
      corsOrigins: [],
    });
    expect(() => parseEnv({}, { defaultNodeEnv: 'production' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ JWT_SECRET: SECRET }, { defaultNodeEnv: 'development' }).nodeEnv).toBe('development');
    expect(loadConfig({ JWT_SECRET: SECRET }).nodeEnv).toBe('development');
  });

  it('lets NODE_ENV=development opt a production entry out, for a local run over plain HTTP', () => {
    const config = loadConfig({ NODE_ENV: 'development' }, { defaultNodeEnv: 'production' });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      cookie: { name: 'latchkey-refresh', path: '/trpc', secure: false },
      corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      signing: { kind: 'key-set', generateIfMissing: true },
    });
  });
});

describe('a database behind a transaction pooler', () => {
  const pooled = 'postgres://app@pgbouncer.internal:6432/latchkey';
  const direct = 'postgres://app@db.internal:5432/latchkey';

  it('keeps prepared statements on a direct DATABASE_URL and needs no second URL', () => {
    expect(loadConfig({ DATABASE_URL: direct })).toMatchObject({
      databaseUrl: direct,
      databaseDirectUrl: null,
      databasePreparedStatements: true,
    });
  });

  it('takes a DATABASE_URL beside DATABASE_DIRECT_URL for a pooler: prepared statements off unless asked for', () => {
    expect(loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct })).toMatchObject({
      databaseUrl: pooled,
      databaseDirectUrl: direct,
      databasePreparedStatements: false,
    });
    const tracked = loadConfig({
      DATABASE_URL: pooled,
      DATABASE_DIRECT_URL: direct,
      DATABASE_PREPARED_STATEMENTS: '1',
    });
    expect(tracked.databasePreparedStatements).toBe(true);
    expect(
      loadConfig({ DATABASE_URL: direct, DATABASE_PREPARED_STATEMENTS: '0' }).databasePreparedStatements,
    ).toBe(false);
  });

  it('refuses DATABASE_DIRECT_URL without DATABASE_URL, in one line that never echoes the URL', () => {
    expect(() => parseEnv({ DATABASE_DIRECT_URL: 'postgres://app:hunter2@db.internal/latchkey' })).toThrow(
      /^Invalid environment variable DATABASE_DIRECT_URL: is the direct connection that goes with a pooled DATABASE_URL; [^\n]*$/,
    );
    expect(() =>
      parseEnv({ DATABASE_DIRECT_URL: 'postgres://app:hunter2@db.internal/latchkey' }),
    ).not.toThrow(/hunter2/);
  });
});

describe('LOG_FORMAT', () => {
  it('is what the entry asks for outside production, JSON by default, and always JSON in production', () => {
    expect(loadConfig({}).logFormat).toBe('json');
    expect(loadConfig({}, { defaultLogFormat: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }, { defaultLogFormat: 'pretty' }).logFormat).toBe('json');
    expect(
      loadConfig({ JWT_SECRET: SECRET }, { defaultNodeEnv: 'production', defaultLogFormat: 'pretty' })
        .logFormat,
    ).toBe('json');
  });

  it('refuses pretty logs in production, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET, LOG_FORMAT: 'pretty' })).toThrow(
      /^Invalid environment variable LOG_FORMAT: production logs one JSON object per line/,
    );
  });
});

describe('REVOCATION_POLL_INTERVAL_MS', () => {
  it('defaults to 30 s and accepts 10 ms to 1 h', () => {
    expect(loadConfig({}).revocationPollIntervalMs).toBe(30_000);
    expect(loadConfig({ REVOCATION_POLL_INTERVAL_MS: '10' }).revocationPollIntervalMs).toBe(10);
    expect(loadConfig({ REVOCATION_POLL_INTERVAL_MS: '3600000' }).revocationPollIntervalMs).toBe(3_600_000);
  });

  it.each(['9', '3600001', '1.5', 'soon'])('refuses %j in one line naming it', (value) => {
    expect(() => parseEnv({ REVOCATION_POLL_INTERVAL_MS: value })).toThrow(
      /^Invalid environment variable REVOCATION_POLL_INTERVAL_MS: /,
    );
  });
});

describe('USER_CACHE_MAX_ENTRIES', () => {
  it('defaults to 100,000 users and accepts 1 to 10,000,000', () => {
    expect(loadConfig({}).userCacheMaxEntries).toBe(100_000);
    expect(loadConfig({ USER_CACHE_MAX_ENTRIES: '1' }).userCacheMaxEntries).toBe(1);
    expect(loadConfig({ USER_CACHE_MAX_ENTRIES: '10000000' }).userCacheMaxEntries).toBe(10_000_000);
  });

  it.each(['0', '10000001', '2.5', 'many'])('refuses %j in one line naming it', (value) => {
    expect(() => parseEnv({ USER_CACHE_MAX_ENTRIES: value })).toThrow(
      /^Invalid environment variable USER_CACHE_MAX_ENTRIES: /,
    );
  });
});

describe('development', () => {
  it('generates a key set under the data dir when there is no secret, and narrows the cookie to /trpc', () => {
    const config = loadConfig({ LATCHKEY_DATA_DIR: '/tmp/latchkey-data' });
    expect(config.signing).toEqual({
      kind: 'key-set',
      file: '/tmp/latchkey-data/keys.json',
      generateIfMissing: true,
    });
    expect(config.cookie).toEqual({ name: 'latchkey-refresh', path: '/trpc', secure: false });
    expect(config.host).toBe('127.0.0.1');
  });

  it('signs with HS256 when JWT_SECRET is set', () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).signing).toEqual({ kind: 'secret', secret: SECRET });
  });
});

describe('account recovery', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: SECRET } as const;
  const mail = {
    MAIL_URL: 'smtps://latchkey:secret@mail.example.com:465',
    MAIL_FROM: 'Latchkey <no-reply@example.com>',
    PUBLIC_WEB_URL: 'https://app.example.com/',
  } as const;

  it('is off in production unless asked for, and on with the development outbox otherwise', () => {
    expect(loadConfig(production).recovery).toBeNull();
    expect(loadConfig({}).recovery).toEqual({
      mail: { kind: 'outbox' },
      from: 'Latchkey <no-reply@localhost>',
      publicWebUrl: 'http://localhost:5173',
      passwordResetTtlSeconds: 1800,
      emailVerificationTtlSeconds: 86_400,
    });
    expect(loadConfig({ ACCOUNT_RECOVERY: '0' }).recovery).toBeNull();
  });

  it.each(['MAIL_URL', 'MAIL_FROM', 'PUBLIC_WEB_URL'] as const)(
    'refuses to start in production with recovery on and no %s, in one line naming it',
    (variable) => {
      const env = { ...production, ACCOUNT_RECOVERY: '1', ...mail, [variable]: undefined };
      let error: unknown;
      try {
        parseEnv(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as EnvError).message;
      expect(message).toMatch(
        new RegExp(
          `^Invalid environment variable ${variable}: production with ACCOUNT_RECOVERY=1 needs MAIL_URL`,
        ),
      );
      expect(message).not.toContain('\n');
      expect(message).toContain('ACCOUNT_RECOVERY=0');
    },
  );

  it('takes the SMTP URL, the sender and the public web URL (without its trailing slash) in production', () => {
    const config = loadConfig({ ...production, ACCOUNT_RECOVERY: '1', ...mail, MAIL_TIMEOUT_SECONDS: '5' });
    expect(config.recovery).toMatchObject({
      mail: { kind: 'smtp', url: mail.MAIL_URL, timeoutSeconds: 5 },
      from: mail.MAIL_FROM,
      publicWebUrl: 'https://app.example.com',
    });
  });

  it.each([
    ['MAIL_URL', 'http://mail.example.com'],
    ['MAIL_URL', 'mail.example.com:25'],
    ['PUBLIC_WEB_URL', 'app.example.org'],
    ['PUBLIC_WEB_URL', 'https://app.example.com/?next=x'],
    ['PUBLIC_WEB_URL', 'javascript:alert(1)'],
    ['PASSWORD_RESET_TTL', 'soon'],
    ['RATE_LIMIT_RECOVERY_PER_ACCOUNT', 'five'],
  ])('names %s for %j without echoing the value', (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(
      new RegExp(`^Invalid environment variable ${variable}: `),
    );
    try {
      parseEnv({ [variable]: value });
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });
});
