// Logout when the API cannot be reached, in a real Chromium against the real API and the built app: the
// browser's tokens are wiped either way, but the page only says the session was revoked on the server when the
// server said so; otherwise it says the session still lives there and offers to try again.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startStage } from './harness.js';
import type { Stage } from './harness.js';

const PASSWORD = 'plum-orbit-cascade-71';
const LOGOUT_CALLS = '**/trpc/auth.logout*';
let stage: Stage;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stage = await startStage();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await stage.close();
});

async function signedInPage(): Promise<{ page: Page; username: string }> {
  const context = await stage.browser.newContext({
    baseURL: stage.origin,
    viewport: { width: 1280, height: 800 },
  });
  contexts.push(context);
  const page = await context.newPage();
  const username = `e2e-${randomUUID().slice(0, 8)}`;
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/dashboard');
  await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
  return { page, username };
}

/** The user's sessions the server still accepts. */
async function liveSessions(username: string): Promise<number> {
  const { repositories } = stage.api.app;
  const user = await repositories.users.findByUsername(username);
  if (user === null) throw new Error(`no user ${username}`);
  return (await repositories.sessions.listActiveForUser(user.id, new Date())).length;
}

describe('logging out while the API cannot be reached', () => {
  it('says the session was not revoked, keeps it off the page, and revokes it on Try again', async () => {
    const { page, username } = await signedInPage();
    let blocked = 0;
    await page.route(LOGOUT_CALLS, async (route) => {
      blocked += 1;
      await route.abort('connectionrefused');
    });
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/logged-out');
    const notice = page.getByRole('alert').filter({ hasText: 'not revoked on the server' });
    await notice.waitFor();
    expect(await page.getByText('Your session was revoked on the server').count()).toBe(0);
    await screenshot(page, 'logged-out-unreachable');
    expect(blocked).toBe(1);
    // Nothing reached the server: the session is still live there, as the page says.
    expect(await liveSessions(username)).toBe(1);

    // Still unreachable: the retry reports it again, and the session still lives.
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => blocked).toBe(2);
    await notice.waitFor();
    expect(await liveSessions(username)).toBe(1);

    // The API is back: the retry revokes it and the page says so.
    await page.unroute(LOGOUT_CALLS);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText('Your session was revoked on the server').waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await liveSessions(username)).toBe(0);
    // The cookie went with it: a fresh load restores nothing.
    await page.goto('/dashboard');
    await page.waitForURL(/\/(login|logged-out)$/);
    expect(await page.getByRole('heading', { name: `${username}'s tasks` }).count()).toBe(0);
  });

  it('says the session was revoked when the server answered', async () => {
    const { page, username } = await signedInPage();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/logged-out');
    await page.getByText('Your session was revoked on the server').waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await liveSessions(username)).toBe(0);
  });
});
