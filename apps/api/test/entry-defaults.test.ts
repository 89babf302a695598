// What the two entries do when NODE_ENV is unset, over real HTTP against the API in a child process:
// `pnpm start` (dist/main.js, built from src/main.ts) is production unless told otherwise, `pnpm dev`
// (src/dev.ts) is development. A production start without a signing key is refused with the command that fixes
// it, and a local run over plain HTTP opts out with NODE_ENV=development, spelled the same everywhere.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateJwtSecret } from '@latchkey/auth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueUsername } from '../src/testing/test-api.js';
import { freePort, runChildApiToExit, startChildApi, type ChildApi } from './support/child-api.js';

let dataDir: string;
let child: ChildApi | null = null;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-entry-'));
});
afterEach(async () => {
  await child?.stop();
  child = null;
  await rm(dataDir, { recursive: true, force: true });
});

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The refresh cookie a browser-style signup gets, and whether a localhost dev origin passes CORS. */
async function browserFacts(api: ChildApi): Promise<{ setCookie: string; localhostAllowed: boolean }> {
  const signup = await fetch(`${api.trpcUrl}/auth.signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: uniqueUsername('entry'), password: GOOD_PASSWORD }),
  });
  expect(signup.status).toBe(200);
  const preflight = await fetch(`${api.trpcUrl}/auth.refresh`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  return {
    setCookie: signup.headers.get('set-cookie') ?? '',
    localhostAllowed: preflight.headers.get('access-control-allow-origin') === 'http://localhost:5173',
  };
}

// Each test starts a child API (tsx, then PGlite in a fresh folder): slower than the default bound on 2 cores.
describe('pnpm start (src/main.ts) with NODE_ENV unset', { timeout: 60_000 }, () => {
  it('refuses to start without a signing key, in one line naming the command that fixes it', async () => {
    const { code, stderr } = await runChildApiToExit({
      env: { LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('latchkey-api: Invalid environment variable JWT_SECRET:');
    expect(stderr).toContain('JWT_SECRET=$(pnpm --silent latchkey secret) pnpm start');
    expect(stderr).toContain('NODE_ENV=development pnpm start');
    // Development would have generated a key set here; production never does.
    expect(await exists(path.join(dataDir, 'keys.json'))).toBe(false);
  });

  it('refuses COOKIE_SECURE=0, naming the opt-out for plain HTTP', async () => {
    const { started, code, stderr } = await runChildApiToExit({
      env: { LATCHKEY_DATA_DIR: dataDir, JWT_SECRET: generateJwtSecret(), COOKIE_SECURE: '0' },
    });
    expect(started).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid environment variable COOKIE_SECURE:');
    expect(stderr).toContain('NODE_ENV=development pnpm start');
  });

  it('serves production with a secret: a __Host- Secure cookie and no localhost origin', async () => {
    child = await startChildApi({
      env: { LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', JWT_SECRET: generateJwtSecret() },
      port: await freePort(),
    });
    const { setCookie, localhostAllowed } = await browserFacts(child);
    expect(setCookie).toMatch(/^__Host-latchkey-refresh=/);
    expect(setCookie).toMatch(/; Secure/i);
    expect(localhostAllowed).toBe(false);
  });
  // NODE_ENV=development over this entry: src/env.test.ts › entry defaults (the same parse, no process).
});

describe('pnpm dev (src/dev.ts) with NODE_ENV unset', { timeout: 60_000 }, () => {
  it('runs as development: dev keys, plain cookie, localhost origin', async () => {
    child = await startChildApi({
      env: { LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      port: await freePort(),
      entry: 'src/dev.ts',
    });
    const { setCookie, localhostAllowed } = await browserFacts(child);
    expect(setCookie).toMatch(/^latchkey-refresh=/);
    expect(setCookie).not.toMatch(/; Secure/i);
    expect(localhostAllowed).toBe(true);
    expect(await exists(path.join(dataDir, 'keys.json'))).toBe(true);
  });
  it('prints pino-pretty lines (no colour into a pipe) holding none of the passwords and tokens it saw', async () => {
    const port = await freePort();
    child = await startChildApi({
      env: { LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      port,
      entry: 'src/dev.ts',
      stdout: 'capture',
    });
    const username = uniqueUsername('pretty');
    const signup = await fetch(`${child.trpcUrl}/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: GOOD_PASSWORD, refreshTransport: 'body' }),
    });
    const { accessToken, refreshToken } = (
      (await signup.json()) as { result: { data: { accessToken: string; refreshToken: string } } }
    ).result.data;
    await fetch(
      `${child.trpcUrl}/auth.me?input=${encodeURIComponent(JSON.stringify({ password: GOOD_PASSWORD }))}`,
      {
        headers: { authorization: `Bearer ${accessToken}` },
      },
    );
    await child.stop();
    const text = child.stdout();
    child = null;

    expect(text).toMatch(new RegExp(`INFO: listening\\n\\s+url: "http://127\\.0\\.0\\.1:${port}"`));
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: /m);
    expect(text).not.toMatch(/^\{/m);
    expect(text).not.toContain('\u001b[');
    for (const secret of [GOOD_PASSWORD, accessToken, refreshToken]) expect(text).not.toContain(secret);
  });
});
