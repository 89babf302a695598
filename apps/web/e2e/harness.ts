// The e2e stage: a real API server (in-process, fresh test database, 5-second access tokens) and the built
// web app served by `vite preview`, which proxies the API's paths: one origin, as in production behind a
// reverse proxy, so the refresh cookie is first-party and SameSite=Strict. Chromium is Debian's.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, startApiServer } from '@latchkey/api';
import type { RunningApiServer } from '@latchkey/api';
import { createTestDatabase } from '@latchkey/db/testing';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import { apiProxyPaths } from '../vite.config.js';
import { apiTransport, productionBuildEnv } from './env.js';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const screenshotDir = path.join(webRoot, 'test-results', 'screenshots');

/** Short enough that a test can wait one out; the client refreshes within the last half of it. */
export const ACCESS_TOKEN_TTL_SECONDS = 5;
/** Login attempts per account before the API answers TOO_MANY_REQUESTS (the rate-limit test). */
export const LOGIN_ATTEMPTS_PER_ACCOUNT = 4;

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Stage {
  /** The app's origin, e.g. http://127.0.0.1:41234. */
  readonly origin: string;
  readonly api: RunningApiServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** `vite build` exactly as `pnpm --filter @latchkey/web build` runs it, so the tests exercise what ships. */
async function buildApp(): Promise<void> {
  const viteBin = path.join(
    path.dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  await promisify(execFile)(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: webRoot,
    env: productionBuildEnv,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

export interface StageOptions {
  /** More API variables, over the stage's own (e.g. TRUST_PROXY=1, for a test that plays the proxy). */
  apiEnv?: Readonly<Record<string, string>>;
}

export async function startStage(options: StageOptions = {}): Promise<Stage> {
  await buildApp();
  await mkdir(screenshotDir, { recursive: true });
  // The app's origin must be known before the API starts: it is the one Origin the API accepts for
  // cookie-borne calls (CSRF allow-list), exactly as CORS_ORIGINS is set in production.
  const webPort = await freePort();
  const origin = `http://127.0.0.1:${webPort}`;
  const testDatabase = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
    CORS_ORIGINS: origin,
    RATE_LIMIT_LOGIN_PER_ACCOUNT: `${LOGIN_ATTEMPTS_PER_ACCOUNT}/15m`,
    RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000/1h',
    LOG_LEVEL: 'silent',
    HTTP_TRANSPORT: apiTransport,
    // Emailed links point at the app under test; with no MAIL_URL the mail goes to the API's development
    // outbox, which the tests read through `dev.mailbox` (the production build has no mailbox page).
    PUBLIC_WEB_URL: origin,
    ...options.apiEnv,
  });
  const api = await startApiServer({ config, database: testDatabase.database, port: 0 });
  const web = await preview({
    root: webRoot,
    configFile: path.join(webRoot, 'vite.config.ts'),
    logLevel: 'warn',
    preview: {
      host: '127.0.0.1',
      port: webPort,
      strictPort: true,
      proxy: Object.fromEntries(apiProxyPaths.map((prefix) => [prefix, { target: api.url }])),
    },
  });
  const browser = await launchChromium();
  return {
    origin,
    api,
    browser,
    close: async () => {
      await browser.close();
      await web.close();
      await api.close();
      await testDatabase.dispose();
    },
  };
}

/**
 * Debian's Chromium. Playwright turns the back-forward cache off by default (`--disable-back-forward-cache`);
 * `backForwardCache: true` keeps it on, for the test of what Back shows from that cache.
 */
export async function launchChromium(options: { backForwardCache?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ...(options.backForwardCache === true ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
