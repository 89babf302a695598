// `pnpm dev`'s pretty lines go through the same pino logger as JSON ones (logger.ts), so the redaction, the
// serialisers and the logMethod hook still decide what a line holds: every secret below is logged the ways
// logger.ts guards against, and none of it may reach the terminal.
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { prettyLogDestination } from './pretty-log.js';
import { LogCapture } from './testing/test-api.js';

const SECRETS = {
  password: 'hunter2 horse battery',
  bearer: 'eyJhbGciOiJFZERTQSJ9.secret-access-token.sig',
  refreshCookie: 'lkr_secret_refresh_cookie_value',
  bodyToken: 'lkr_secret_body_refresh_token',
  query: 'secret-query-value',
} as const;

async function prettyLines(log: (logger: ReturnType<typeof createLogger>) => void): Promise<string> {
  const capture = new LogCapture();
  const logger = createLogger({
    level: 'info',
    destination: await prettyLogDestination({ destination: capture, colorize: false }),
  });
  log(logger);
  logger.flush();
  return capture.text;
}

describe('pretty development logs', () => {
  it('print a readable line, not JSON', async () => {
    const text = await prettyLines((logger) => {
      logger.info({ url: 'http://127.0.0.1:3000', database: 'pglite' }, 'listening');
    });
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening$/m);
    expect(text).toContain('url: "http://127.0.0.1:3000"');
    expect(text).not.toMatch(/^\{/m);
    // No colour escape codes when asked for none (a pipe, NO_COLOR).
    expect(text).not.toContain('\u001b[');
  });

  it('hold none of the secrets a line is handed, whichever way it is handed them', async () => {
    const text = await prettyLines((logger) => {
      logger.warn({ password: SECRETS.password, token: SECRETS.bodyToken }, 'top-level credential fields');
      logger.info(
        {
          headers: {
            authorization: `Bearer ${SECRETS.bearer}`,
            cookie: `latchkey-refresh=${SECRETS.refreshCookie}`,
            'user-agent': 'vitest',
          },
        },
        'headers',
      );
      logger.info({ input: { username: 'ada', password: SECRETS.password } }, 'procedure input');
      logger.info(
        {
          req: {
            method: 'GET',
            url: `/trpc/auth.me?input=${SECRETS.query}`,
            headers: { authorization: `Bearer ${SECRETS.bearer}` },
          },
          res: { statusCode: 200, headers: { 'set-cookie': `latchkey-refresh=${SECRETS.refreshCookie}` } },
        },
        'request',
      );
      logger.error(
        { err: new Error('refresh failed', { cause: { refreshToken: SECRETS.bodyToken } }) },
        'error with a cause',
      );
    });
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    // What the lines do keep: which fields came, the request's method and path, the status.
    expect(text).toContain('password: "[redacted]"');
    expect(text).toContain('"authorization": "[redacted]"');
    expect(text).toContain('"path": "/trpc/auth.me"');
    expect(text).toContain('"statusCode": 200');
    expect(text).toContain('user-agent');
  });
});
