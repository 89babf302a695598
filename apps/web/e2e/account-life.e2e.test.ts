// The account's life in a real Chromium against the real API: deleting the account (this tab and another tab
// of the same browser end cleanly, and the login is gone), and an admin ending one session of another user,
// which that user's sessions page then explains.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startStage } from './harness.js';
import type { Stage } from './harness.js';

const PASSWORD = 'plum-orbit-cascade-71';

let stage: Stage;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  stage = await startStage();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await stage.close();
});

async function newContext(): Promise<BrowserContext> {
  const context = await stage.browser.newContext({
    baseURL: stage.origin,
    viewport: { width: 1280, height: 800 },
  });
  contexts.push(context);
  return context;
}

async function submitCredentials(page: Page, path: '/signup' | '/login', username: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: path === '/signup' ? 'Sign up' : 'Log in' }).click();
}

async function signUp(page: Page): Promise<string> {
  const username = `e2e-${randomUUID().slice(0, 8)}`;
  await submitCredentials(page, '/signup', username);
  await page.waitForURL('**/dashboard');
  return username;
}

describe('deleting the account', () => {
  it('asks for the password, then ends this tab and the other one, and the login is gone', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const username = await signUp(page);
    const otherTab = await context.newPage();
    await otherTab.goto('/dashboard');
    await otherTab.getByRole('heading', { name: `${username}'s tasks` }).waitFor();

    await page.getByRole('link', { name: 'Password' }).click();
    await page.getByRole('link', { name: 'Delete your account' }).click();
    await page.getByRole('heading', { name: 'Delete account' }).waitFor();
    await page.getByLabel('I understand that my account and tasks are deleted for good').check();
    await page.getByLabel('Password').fill('not-my-password-9');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('alert').filter({ hasText: 'The password is wrong.' }).waitFor();
    expect(await stage.api.app.repositories.users.findByUsername(username)).not.toBeNull();

    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'delete-account');
    await page.getByRole('button', { name: 'Delete my account' }).click();

    for (const tab of [page, otherTab]) {
      await tab.waitForURL('**/login');
      await tab.getByText('Your account was deleted').waitFor();
    }
    expect(await stage.api.app.repositories.users.findByUsername(username)).toBeNull();
    await submitCredentials(page, '/login', username);
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  });
});

describe('an admin ending a session', () => {
  it("re-enables a disabled user, revokes one of their sessions, and the user's page says an admin ended it", async () => {
    const user = await (await newContext()).newPage();
    const username = await signUp(user);
    const admin = await (await newContext()).newPage();
    const adminName = await signUp(admin);
    const adminUser = await stage.api.app.repositories.users.findByUsername(adminName);
    await stage.api.app.repositories.users.setRole(adminUser!.id, 'admin');
    await admin.reload();
    await admin.getByRole('link', { name: 'Admin' }).click();
    await admin.getByRole('heading', { name: 'Users' }).waitFor();

    await admin.getByRole('button', { name: `Sessions of ${username}` }).click();
    await admin.getByRole('heading', { name: `Sessions of ${username}` }).waitFor();
    await screenshot(admin, 'admin-user-sessions');
    await admin.getByRole('button', { name: new RegExp(`^Revoke session of ${username}`) }).click();
    await admin.getByText(`${username} has no live session.`).waitFor();

    // The user's next call finds the session ended; they log in again and read why.
    await user.getByLabel('New task').fill('Too late');
    await user.getByRole('button', { name: 'Add task' }).click();
    await user.waitForURL('**/login');
    await submitCredentials(user, '/login', username);
    await user.waitForURL('**/dashboard');
    await user.getByRole('link', { name: 'Sessions' }).click();
    const ended = user.getByRole('table', { name: 'Recently ended' });
    await ended.getByRole('cell', { name: 'Ended by an administrator' }).waitFor();
    await screenshot(user, 'sessions-ended');

    // Disable and enable again: the user logs in once more.
    await admin.getByRole('button', { name: `Disable ${username}` }).click();
    await admin.getByRole('button', { name: `Enable ${username}` }).click();
    await admin.getByRole('button', { name: `Disable ${username}` }).waitFor();
    await submitCredentials(user, '/login', username);
    await user.waitForURL('**/dashboard');
    await user.getByRole('link', { name: 'Sessions' }).click();
    await ended.getByRole('cell', { name: 'Ended when the account was disabled' }).waitFor();
  });
});
