// Every page at a phone's width (390x844) and a desktop's (1280x800), signed out and signed in as an admin (the
// widest header): nothing scrolls sideways and no button's label breaks over two lines. A screenshot of each
// page at each size goes to test-results/screenshots/.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startStage } from './harness.js';
import type { Stage } from './harness.js';

const PASSWORD = 'plum-orbit-cascade-71';

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

const SIGNED_OUT_PAGES = [
  { path: '/', heading: 'JWT authentication, done end to end' },
  { path: '/login', heading: 'Log in' },
  { path: '/signup', heading: 'Create an account' },
  { path: '/logged-out', heading: 'You are logged out' },
  { path: '/no-such-page', heading: 'Page not found' },
] as const;

const SIGNED_IN_PAGES = ['/dashboard', '/sessions', '/change-password', '/admin'] as const;

interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  /** Buttons (and button-styled links) whose label takes more than one line. */
  wrappedLabels: string[];
  buttonCount: number;
}

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
});
afterAll(() => stage.close());

async function measure(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const wrappedLabels: string[] = [];
    const buttons = Array.from(document.querySelectorAll<HTMLElement>('button, .button, select'));
    const visible = buttons.filter((button) => button.getClientRects().length > 0);
    for (const button of visible) {
      const range = document.createRange();
      range.selectNodeContents(button);
      // One text line gives line boxes at one height; a wrapped label gives a second row of rects.
      const tops = new Set(
        Array.from(range.getClientRects())
          .filter((rect) => rect.width > 0)
          .map((rect) => Math.round(rect.top)),
      );
      if (tops.size > 1) wrappedLabels.push(button.innerText);
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wrappedLabels,
      buttonCount: visible.length,
    };
  });
}

async function expectFits(page: Page, label: string): Promise<void> {
  const report = await measure(page);
  await screenshot(page, `layout-${label}`);
  expect({ label, ...report, buttonCount: undefined }).toEqual({
    label,
    scrollWidth: report.innerWidth,
    innerWidth: report.innerWidth,
    wrappedLabels: [],
    buttonCount: undefined,
  });
  expect(report.buttonCount).toBeGreaterThan(0);
}

describe.each(VIEWPORTS)('every page at $width x $height ($name)', (viewport) => {
  it('fits signed out: no sideways scroll, every button on one line', async () => {
    const context = await stage.browser.newContext({
      baseURL: stage.origin,
      viewport: { width: viewport.width, height: viewport.height },
    });
    try {
      const page = await context.newPage();
      for (const { path, heading } of SIGNED_OUT_PAGES) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await expectFits(page, `${viewport.name}-signed-out${path.replaceAll('/', '-')}`);
      }
    } finally {
      await context.close();
    }
  });

  it('fits signed in as an admin, with the longest header: every page, every button on one line', async () => {
    const context = await stage.browser.newContext({
      baseURL: stage.origin,
      viewport: { width: viewport.width, height: viewport.height },
    });
    try {
      const page = await context.newPage();
      // A long (maximum-length) username, as the header shows it.
      const username = `e2e-${randomUUID().replaceAll('-', '')}`.slice(0, 32);
      await page.goto('/signup');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.waitForURL('**/dashboard');
      const user = await stage.api.app.repositories.users.findByUsername(username);
      if (user === null) throw new Error(`no user ${username}`);
      await stage.api.app.repositories.users.setRole(user.id, 'admin');
      for (const path of SIGNED_IN_PAGES) {
        await page.goto(path);
        await page.getByRole('button', { name: 'Log out', exact: true }).waitFor();
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
        await expectFits(page, `${viewport.name}-signed-in${path.replaceAll('/', '-')}`);
      }
      await expect(page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  });
});
