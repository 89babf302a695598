// The sessions page in a real Chromium against the real API: each session reads as "browser on system" with
// the address it signed in from and the one it was last used from, not as the raw User-Agent string. The API
// trusts one proxy hop (TRUST_PROXY=1) and the browser sends the X-Forwarded-For such a proxy would append,
// so a test can move a browser to another address the way a phone moves from Wi-Fi to a mobile network.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startStage } from './harness.js';
import type { Stage } from './harness.js';

const PASSWORD = 'plum-orbit-cascade-71';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let stage: Stage;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  stage = await startStage({ apiEnv: { TRUST_PROXY: '1' } });
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await stage.close();
});

async function newPage(options: { userAgent?: string } = {}): Promise<Page> {
  const context = await stage.browser.newContext({
    baseURL: stage.origin,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

async function submitCredentials(page: Page, path: '/signup' | '/login', username: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: path === '/signup' ? 'Sign up' : 'Log in' }).click();
  await page.waitForURL('**/dashboard');
}

describe('the sessions page', () => {
  it('names each session by browser and system, with the address it signed in from', async () => {
    const username = `e2e-${randomUUID().slice(0, 8)}`;
    const desktop = await newPage();
    await submitCredentials(desktop, '/signup', username);
    const phone = await newPage({ userAgent: IPHONE_SAFARI });
    await submitCredentials(phone, '/login', username);

    await desktop.goto('/sessions');
    const rows = desktop.getByRole('row');
    const current = rows.filter({ hasText: 'This session' });
    await current.waitFor();
    // Debian's headless Chromium on this Linux machine.
    expect(await current.getByRole('cell').first().innerText()).toMatch(
      /^Chrome on Linux\s*This session\s*Signed in from (::ffff:)?127\.0\.0\.1\s*Last used from (::ffff:)?127\.0\.0\.1$/,
    );
    const other = rows.filter({ hasText: 'Safari on iOS' });
    expect(await other.getByRole('cell').first().innerText()).toMatch(
      /^Safari on iOS\s*Signed in from (::ffff:)?127\.0\.0\.1\s*Last used from (::ffff:)?127\.0\.0\.1$/,
    );
    await expect(
      desktop.getByRole('button', { name: /^Revoke session from Safari on iOS signed in / }).count(),
    ).resolves.toBe(1);
    expect(await desktop.getByRole('table').innerText()).not.toContain('Mozilla/5.0');
    await screenshot(desktop, 'sessions-device');
  });

  it('shows the address of the latest refresh as "Last used from", the login’s as "Signed in from"', async () => {
    const username = `e2e-${randomUUID().slice(0, 8)}`;
    const context = await stage.browser.newContext({
      baseURL: stage.origin,
      viewport: { width: 1280, height: 800 },
      extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.10' },
    });
    contexts.push(context);
    const page = await context.newPage();
    await submitCredentials(page, '/signup', username);

    // The browser moves; reloading the page starts the app again, which refreshes its session from the cookie.
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': '198.51.100.20' });
    const refreshed = page.waitForResponse(
      (response) => response.url().includes('auth.refresh') && response.status() === 200,
    );
    await page.goto('/sessions');
    await refreshed;
    const current = page.getByRole('row').filter({ hasText: 'This session' });
    await current.waitFor();
    expect(await current.getByRole('cell').first().innerText()).toMatch(
      /^Chrome on Linux\s*This session\s*Signed in from 192\.0\.2\.10\s*Last used from 198\.51\.100\.20$/,
    );
    await screenshot(page, 'sessions-last-used');
  });
});
