// Account recovery in a real Chromium against the real API and the built app: sign up with an address and
// confirm it from the mailed link; forget the password, follow the reset link, set a new one, and find every
// old session ended and the new password working. The mail is read from the API's outbox (`dev.mailbox`).
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStage } from './harness.js';
import type { Stage } from './harness.js';

const PASSWORD = 'plum-orbit-cascade-71';
const NEW_PASSWORD = 'violet-harbour-lantern-28';
let stage: Stage;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stage = await startStage();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await stage.close();
});

async function newPage(): Promise<Page> {
  const context = await stage.browser.newContext({
    baseURL: stage.origin,
    viewport: { width: 1280, height: 800 },
  });
  contexts.push(context);
  return context.newPage();
}

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
}

/** The newest message to `to` with this subject, waiting for the API's queue to send it. */
async function mailTo(to: string, subject: string): Promise<OutboxMessage> {
  let found: OutboxMessage | undefined;
  const isWanted = (message: OutboxMessage): boolean => message.to === to && message.subject === subject;
  await expect
    .poll(async () => {
      const answer = await fetch(`${stage.origin}/trpc/dev.mailbox`);
      const body = (await answer.json()) as { result: { data: OutboxMessage[] } };
      found = body.result.data.find(isWanted);
      return found !== undefined;
    })
    .toBe(true);
  if (found === undefined) throw new Error(`no "${subject}" to ${to}`);
  return found;
}

function linkIn(message: OutboxMessage, page: string): string {
  const link = new RegExp(`${stage.origin}/${page}#token=\\S+`).exec(message.text)?.[0];
  if (link === undefined) throw new Error(`no ${page} link in "${message.subject}"`);
  return link;
}

async function signUpWithEmail(page: Page): Promise<{ username: string; email: string }> {
  const username = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${username}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Email (optional)').fill(email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/dashboard');
  return { username, email };
}

async function confirmEmail(page: Page, email: string): Promise<void> {
  const link = linkIn(await mailTo(email, 'Latchkey: confirm your email address'), 'verify-email');
  await page.goto(link);
  // The token leaves the address bar before anything else happens.
  await expect.poll(() => new URL(page.url()).hash).toBe('');
  await page.getByRole('button', { name: 'Confirm this address' }).click();
  await expect
    .poll(() => page.getByText(`Confirmed: ${email} is your account's email address.`).isVisible())
    .toBe(true);
}

describe('account recovery', () => {
  it('verifies an email address from the mailed link, and the account page shows it', async () => {
    const page = await newPage();
    const { email } = await signUpWithEmail(page);
    await page.goto('/email');
    await expect.poll(() => page.getByTestId('email-pending').textContent()).toContain(email);
    await confirmEmail(page, email);
    await page.goto('/email');
    await expect.poll(() => page.getByTestId('email-current').textContent()).toBe(`Confirmed: ${email}`);
  });

  it('forgot password -> mailbox -> reset -> log in with the new password; the old session is gone', async () => {
    const oldTab = await newPage();
    const { username, email } = await signUpWithEmail(oldTab);
    await confirmEmail(oldTab, email);

    const page = await newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Username or email').fill(username);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect.poll(() => page.getByText('a reset link is on its way').isVisible()).toBe(true);

    const link = linkIn(await mailTo(email, 'Latchkey: reset your password'), 'reset-password');
    await page.goto(link);
    await expect.poll(() => new URL(page.url()).hash).toBe('');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect
      .poll(() => page.getByText('Every session of your account was signed out.').isVisible())
      .toBe(true);
    await mailTo(email, 'Latchkey: your password was changed');

    // The tab signed in before the reset is out: its next call is refused and it lands on the login page.
    await oldTab.goto('/sessions');
    await oldTab.waitForURL('**/login');

    await page.getByRole('link', { name: 'Log in with your new password' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByText('Wrong username or password.').isVisible()).toBe(true);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/dashboard');
    await page.goto('/sessions');
    // Only this login's session is live: the one from before the reset is gone, listed as ended by the reset.
    const active = page.getByRole('table', { name: 'Active sessions' });
    await expect.poll(() => active.locator('tbody tr').count()).toBe(1);
    const ended = page.getByRole('table', { name: 'Recently ended' });
    await expect.poll(() => ended.getByText('Ended by a password reset').count()).toBe(1);
  });

  it('ships no mailbox page: /dev/mailbox is "Page not found" in the production build, whose files never render it', async () => {
    const page = await newPage();
    await page.goto('/dev/mailbox');
    await expect.poll(() => page.getByRole('heading', { name: 'Page not found' }).isVisible()).toBe(true);
    expect(await page.getByText('Development mailbox').count()).toBe(0);

    const assets = new URL('../dist/assets/', import.meta.url);
    const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const name of scripts) {
      expect(await readFile(new URL(name, assets), 'utf8')).not.toContain('Development mailbox');
    }
  });
});
