// Every documented flow, in a real Chromium against the real API and the built app.
import { randomUUID } from 'node:crypto';
import { createLatchkeyClient, DEFAULT_REFRESH_LOCK_NAME } from '@latchkey/client';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  launchChromium,
  LOGIN_ATTEMPTS_PER_ACCOUNT,
  screenshot,
  startStage,
} from './harness.js';
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

function uniqueUsername(): string {
  return `e2e-${randomUUID().slice(0, 8)}`;
}

async function signUp(
  page: Page,
  options: { username?: string; mode?: string; navigate?: boolean } = {},
): Promise<string> {
  const username = options.username ?? uniqueUsername();
  if (options.navigate !== false) await page.goto('/signup');
  if (options.mode !== undefined) await page.getByLabel(options.mode, { exact: true }).check();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/dashboard');
  await expect.poll(() => page.getByRole('heading', { name: `${username}'s tasks` }).isVisible()).toBe(true);
  return username;
}

async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel('New task').fill(title);
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByText(title, { exact: true }).waitFor();
}

function isRefresh(request: Request): boolean {
  return new URL(request.url()).pathname.includes('auth.refresh');
}

/**
 * How many holders and waiters the browser's Web Locks manager reports for the client's refresh lock,
 * across every tab of the origin; zero and zero where the browser has no `navigator.locks`.
 */
async function refreshLockState(page: Page): Promise<{ held: number; pending: number }> {
  return page.evaluate(async (lockName) => {
    if (!('locks' in navigator)) return { held: 0, pending: 0 };
    const snapshot = await navigator.locks.query();
    const named = (locks: LockInfo[] | undefined): number =>
      (locks ?? []).filter((lock) => lock.name === lockName).length;
    return { held: named(snapshot.held), pending: named(snapshot.pending) };
  }, DEFAULT_REFRESH_LOCK_NAME);
}

/** Logs in as `username` from a program outside the browser and ends every session of the account. */
async function endEverySessionElsewhere(username: string): Promise<void> {
  const elsewhere = createLatchkeyClient({ url: `${stage.api.url}/trpc`, transport: 'body' });
  try {
    await elsewhere.login({ username, password: PASSWORD });
    await elsewhere.logoutAll();
  } finally {
    elsewhere.dispose();
  }
}

/**
 * From now on, records whether any of `markers` is on the page at any moment (a MutationObserver), so a
 * protected page that flashes and is then replaced still counts. Read it with `pathAndProtectedSeen`.
 */
async function recordProtectedContent(page: Page, markers: readonly string[]): Promise<void> {
  await page.evaluate((watched) => {
    const seen = { protected: false };
    Object.assign(window, { latchkeyProtectedSeen: seen });
    new MutationObserver(() => {
      const text = document.body.innerText;
      if (watched.some((marker) => text.includes(marker))) seen.protected = true;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, markers);
}

/** Where the page is and whether `recordProtectedContent` saw a marker since it was installed. */
function pathAndProtectedSeen(page: Page): Promise<{ path: string; protectedSeen: boolean }> {
  return page.evaluate(() => ({
    path: window.location.pathname,
    protectedSeen: (window as unknown as { latchkeyProtectedSeen: { protected: boolean } })
      .latchkeyProtectedSeen.protected,
  }));
}

describe('signing up and using the dashboard', () => {
  it('signs up, lands on the dashboard, and adds, completes and deletes a task', async () => {
    const page = await (await newContext()).newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'JWT authentication, done end to end' }).waitFor();
    await screenshot(page, 'front');
    // The build's Content-Security-Policy: a script injected into the page does not run.
    const injectedRan = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.injected = "yes"';
      document.body.append(script);
      return document.body.dataset.injected === 'yes';
    });
    expect(injectedRan).toBe(false);
    await page.goto('/signup');
    await page.getByRole('button', { name: 'Sign up' }).waitFor();
    await screenshot(page, 'signup');
    await signUp(page);
    await addTask(page, 'Rotate the signing key');
    await addTask(page, 'Read RFC 9700');
    await page.getByRole('checkbox', { name: 'Rotate the signing key' }).click();
    await expect
      .poll(() => page.getByRole('checkbox', { name: 'Rotate the signing key' }).isChecked())
      .toBe(true);
    await page.getByRole('button', { name: 'Delete Read RFC 9700' }).click();
    await page.getByText('Read RFC 9700', { exact: true }).waitFor({ state: 'detached' });
    await screenshot(page, 'dashboard');
    // A signed-in visitor of the front page goes to the dashboard.
    await page.goto('/');
    await page.waitForURL('**/dashboard');
  });

  it('shows the login page, with a human message for wrong credentials', async () => {
    const page = await (await newContext()).newPage();
    await logIn(page, uniqueUsername(), 'not-the-password-9');
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    await screenshot(page, 'login');
  });

  it('explains a taken username and a weak password on signup', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    const other = await (await newContext()).newPage();
    await other.goto('/signup');
    await other.getByLabel('Username').fill(username);
    await other.getByLabel('Password').fill(PASSWORD);
    await other.getByRole('button', { name: 'Sign up' }).click();
    await other
      .getByRole('alert')
      .filter({ hasText: 'That username is taken. Choose another one.' })
      .waitFor();
    await other.getByLabel('Username').fill(uniqueUsername());
    await other.getByLabel('Password').fill('password');
    await other.getByRole('button', { name: 'Sign up' }).click();
    await other
      .getByRole('alert')
      .filter({ hasText: /^Password: / })
      .waitFor();
  });
});

describe('storage modes', () => {
  for (const mode of ['Memory (recommended)', 'localStorage', 'sessionStorage']) {
    it(`keeps the session across a reload in ${mode} mode, and logout leaves no trace`, async () => {
      const context = await newContext();
      const page = await context.newPage();
      const username = await signUp(page, { mode });
      await page.reload();
      await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
      expect(page.url()).toBe(`${stage.origin}/dashboard`);
      const stored = await page.evaluate(() => ({
        local: window.localStorage.getItem('latchkey.session'),
        session: window.sessionStorage.getItem('latchkey.session'),
        cookie: document.cookie,
      }));
      // The refresh token is an httpOnly cookie in every mode: never visible to scripts.
      expect(stored.cookie).not.toContain('latchkey-refresh');
      const cookies = await context.cookies();
      expect(cookies.find((cookie) => cookie.name === 'latchkey-refresh')).toMatchObject({
        httpOnly: true,
        sameSite: 'Strict',
      });
      if (mode === 'localStorage') expect(stored.local).toContain('accessToken');
      else expect(stored.local).toBeNull();
      if (mode === 'sessionStorage') expect(stored.session).toContain('accessToken');
      else expect(stored.session).toBeNull();
      // Logout leaves no trace: no token in either storage, no refresh cookie.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL('**/logged-out');
      const left = await page.evaluate(() => [
        window.localStorage.getItem('latchkey.session'),
        window.sessionStorage.getItem('latchkey.session'),
      ]);
      expect(left).toEqual([null, null]);
      expect((await context.cookies()).find((cookie) => cookie.name === 'latchkey-refresh')).toBeUndefined();
    });
  }
});

describe('switching the storage mode while signed in', () => {
  it('moves the session to the chosen store and wipes the one it leaves', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    const readStores = (): Promise<(string | null)[]> =>
      page.evaluate(() => [
        window.localStorage.getItem('latchkey.session'),
        window.sessionStorage.getItem('latchkey.session'),
      ]);
    await page.getByLabel('Token storage').selectOption('localStorage');
    await expect.poll(async () => (await readStores())[0]).toContain('accessToken');
    expect(await page.evaluate(() => window.localStorage.getItem('latchkey.storage-mode'))).toBe(
      'localStorage',
    );
    await page.getByLabel('Token storage').selectOption('memory');
    await expect.poll(readStores).toEqual([null, null]);
    await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
  });
});

describe('logging out', () => {
  it('revokes the session, lands on the logged-out page, and Back shows no protected content', async () => {
    const context = await newContext();
    const page = await context.newPage();
    // Arrive the way a person does, so Back has app pages to go back to: / → /signup → /dashboard → /sessions.
    await page.goto('/');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await signUp(page, { navigate: false });
    await addTask(page, 'Private plans');
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/logged-out');
    await page.getByRole('heading', { name: 'You are logged out' }).waitFor();
    await screenshot(page, 'logged-out');
    // Record whether protected content shows up at any moment, not just at the end.
    await page.evaluate(() => {
      const seen = { protected: false };
      Object.assign(window, { latchkeySeen: seen });
      new MutationObserver(() => {
        const text = document.body.innerText;
        if (
          ['Private plans', 'New task', 'Your sessions', 'Log out everywhere'].some((marker) =>
            text.includes(marker),
          )
        ) {
          seen.protected = true;
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    // Back reaches the dashboard's history entry: the guard re-checks and sends the visitor away again.
    await page.goBack();
    await page.waitForURL('**/logged-out');
    await page.getByRole('heading', { name: 'You are logged out' }).waitFor();
    // Back again reaches the front page, which anyone may see.
    await page.goBack();
    await page.getByRole('heading', { name: 'JWT authentication, done end to end' }).waitFor();
    expect(
      await page.evaluate(
        () => (window as unknown as { latchkeySeen: { protected: boolean } }).latchkeySeen.protected,
      ),
    ).toBe(false);
    // The server revoked it and cleared the cookie: a fresh load restores nothing.
    await page.goto('/dashboard');
    await page.waitForURL(/\/(login|logged-out)$/);
    expect(await page.getByText('Private plans').count()).toBe(0);
  });

  it('never shows the page of a revoked session when Back restores it from the back-forward cache', async () => {
    const browser = await launchChromium({ backForwardCache: true });
    try {
      const page = await (await browser.newContext({ baseURL: stage.origin })).newPage();
      const username = await signUp(page);
      await addTask(page, 'Cached secret');
      // Record what the page shows at the instant the browser restores it: Chromium fires `resume` on the
      // document before any other event, and before the app's own listeners could re-render anything.
      await page.evaluate(() => {
        const seen: { persisted: boolean; textOnResume: string | null } = {
          persisted: false,
          textOnResume: null,
        };
        Object.assign(window, { latchkeyRestored: seen });
        document.addEventListener('resume', () => {
          seen.textOnResume = document.body.innerText;
        });
        window.addEventListener('pageshow', (event) => {
          seen.persisted = event.persisted;
        });
      });
      // Leave the app with a full navigation, then end every session from another browser.
      await page.goto('/healthz');
      const elsewhere = await (await newContext()).newPage();
      await logIn(elsewhere, username);
      await elsewhere.waitForURL('**/dashboard');
      await elsewhere.getByRole('link', { name: 'Sessions' }).click();
      await elsewhere.getByRole('button', { name: 'Log out everywhere' }).click();
      await elsewhere.waitForURL('**/logged-out');
      // A page restored from the cache fires no load event: wait for the navigation to commit only.
      await page.goBack({ waitUntil: 'commit' });
      await page.waitForURL('**/login', { waitUntil: 'commit' });
      await page.getByText('Your session was ended').waitFor();
      expect(await page.getByText('Cached secret').count()).toBe(0);
      const restored = await page.evaluate(
        () =>
          (window as unknown as { latchkeyRestored?: { persisted: boolean; textOnResume: string | null } })
            .latchkeyRestored,
      );
      // This browser keeps the back-forward cache on, so Back restored the frozen page: at that instant it
      // showed the neutral state, because the app swapped the dashboard out when the page was hidden.
      expect(restored?.persisted).toBe(true);
      expect(restored?.textOnResume).toContain('Restoring session…');
      expect(restored?.textOnResume).not.toContain('Cached secret');
    } finally {
      await browser.close();
    }
  });

  it('logs out the other tab of the same browser at once', async () => {
    const context = await newContext();
    const first = await context.newPage();
    const username = await signUp(first);
    const second = await context.newPage();
    await second.goto('/dashboard');
    await second.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
    await first.getByRole('button', { name: 'Log out' }).click();
    await second.waitForURL('**/logged-out');
    await second.getByRole('heading', { name: 'You are logged out' }).waitFor();
  });
});

describe('back and forward inside the app (history entries, not the back-forward cache)', () => {
  // The router moves between pages with history.pushState, so Back and Forward here replace no document
  // and fire no pageshow: only the app's popstate listener re-checks the session before the page renders.
  it('re-checks the session on Back: a session ended elsewhere leads to the login page, never the cached dashboard', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    await addTask(page, 'Private plans');
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await endEverySessionElsewhere(username);
    await recordProtectedContent(page, ['Private plans', 'New task']);
    await page.goBack();
    // The dashboard's tasks are still in the query cache: without a re-check they would render from it.
    await expect
      .poll(() => pathAndProtectedSeen(page), { timeout: 10_000 })
      .toEqual({ path: '/login', protectedSeen: false });
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.getByText('Private plans').count()).toBe(0);
  });

  it('re-checks the session on Forward: a session ended elsewhere leads to the login page, never the cached sessions page', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByText('This session').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
    await endEverySessionElsewhere(username);
    await recordProtectedContent(page, ['Your sessions', 'This session']);
    await page.goForward();
    await expect
      .poll(() => pathAndProtectedSeen(page), { timeout: 10_000 })
      .toEqual({ path: '/login', protectedSeen: false });
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});

describe('tokens and sessions', () => {
  it('refreshes once for two tabs whose tokens expired together: the second waits for the browser lock', async () => {
    const context = await newContext();
    // One clock for every page of the context: moving it expires both tabs' access tokens at once.
    await context.clock.install();
    const first = await context.newPage();
    const username = await signUp(first);
    const second = await context.newPage();
    await second.goto('/dashboard');
    await second.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
    const refreshes: string[] = [];
    context.on('request', (request) => {
      if (isRefresh(request)) refreshes.push(request.url());
    });
    // Hold the first refresh on its way to the API, so the second tab needs a token while it is in flight.
    let releaseFirstRefresh: () => void = () => undefined;
    const firstRefreshReleased = new Promise<void>((resolve) => {
      releaseFirstRefresh = resolve;
    });
    let routedRefreshes = 0;
    await context.route(
      (url) => url.pathname.includes('auth.refresh'),
      async (route) => {
        routedRefreshes += 1;
        if (routedRefreshes === 1) await firstRefreshReleased;
        await route.continue();
      },
    );
    // Past both tabs' expiry, and standing still there: the refreshed token cannot go stale in turn while
    // the test runs (the client refreshes within the last half of a token's life), only timers keep running.
    await context.clock.setFixedTime(Date.now() + (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);
    await first.getByLabel('New task').fill('From the first tab');
    await second.getByLabel('New task').fill('From the second tab');
    await first.getByRole('button', { name: 'Add task' }).click();
    await expect.poll(() => refreshes.length, { timeout: 10_000 }).toBe(1);
    await second.getByRole('button', { name: 'Add task' }).click();
    // Both refreshes now overlap: the second tab either waits for the lock the first holds, or (without
    // the lock) sends a refresh of its own, at the latest when it stops waiting for the first tab's outcome.
    await expect
      .poll(async () => refreshes.length > 1 || (await refreshLockState(second)).pending > 0, {
        timeout: 15_000,
      })
      .toBe(true);
    releaseFirstRefresh();
    await first.getByText('From the first tab', { exact: true }).waitFor();
    await second.getByText('From the second tab', { exact: true }).waitFor();
    expect(refreshes).toHaveLength(1);
    expect(first.url()).toBe(`${stage.origin}/dashboard`);
    expect(second.url()).toBe(`${stage.origin}/dashboard`);
    expect(await refreshLockState(second)).toEqual({ held: 0, pending: 0 });
    // On the server: one rotation, no duplicate answered inside the grace window, no reuse, session alive.
    const user = await stage.api.app.repositories.users.findByUsername(username);
    const events = await stage.api.app.repositories.audit.listForUser(user!.id, { limit: 50 });
    expect(events.filter((event) => event.type === 'refresh.reuse')).toEqual([]);
    expect(events.filter((event) => event.type === 'refresh' && event.detail?.grace === true)).toEqual([]);
    expect(await stage.api.app.repositories.sessions.listActiveForUser(user!.id, new Date())).toHaveLength(1);
  });

  it('logs out a session revoked from another browser at its next call', async () => {
    const victim = await (await newContext()).newPage();
    const username = await signUp(victim);
    const admin = await (await newContext()).newPage();
    await logIn(admin, username);
    await admin.waitForURL('**/dashboard');
    await admin.getByRole('link', { name: 'Sessions' }).click();
    await admin.getByText('This session').waitFor();
    await screenshot(admin, 'sessions');
    await admin.getByRole('button', { name: /^Revoke session/ }).click();
    await admin.getByRole('button', { name: /^Revoke session/ }).waitFor({ state: 'detached' });
    await victim.getByLabel('New task').fill('Too late');
    await victim.getByRole('button', { name: 'Add task' }).click();
    await victim.waitForURL('**/login');
    await victim.getByText('Your session was ended').waitFor();
    expect(await victim.getByText('Too late').count()).toBe(0);
  });

  it('tells how long to wait when login attempts are rate limited', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/logged-out');
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_PER_ACCOUNT; attempt += 1) {
      await logIn(page, username, 'wrong-password-7');
      await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    }
    await logIn(page, username, PASSWORD);
    await page
      .getByRole('alert')
      .filter({ hasText: /^Too many attempts\. Try again in \d+ minutes?\.$/ })
      .waitFor();
  });
});

describe('account pages', () => {
  it('changes the password, and shows the admin page to an admin', async () => {
    const page = await (await newContext()).newPage();
    const username = await signUp(page);
    await page.getByRole('link', { name: 'Password' }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('quartz-meadow-lantern-42');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Every other session was logged out.').waitFor();
    await screenshot(page, 'change-password');
    const user = await stage.api.app.repositories.users.findByUsername(username);
    await stage.api.app.repositories.users.setRole(user!.id, 'admin');
    const other = await signUp(await (await newContext()).newPage());
    await page.reload();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: username, exact: true }).waitFor();
    await screenshot(page, 'admin');
    await page.getByRole('button', { name: `Disable ${other}` }).click();
    await page.getByRole('row', { name: new RegExp(`^${other} .*Disabled`) }).waitFor();
    await page.getByLabel(`Role for ${other}`).waitFor();
    expect(await page.getByLabel(`Role for ${other}`).isDisabled()).toBe(true);
  });
});

describe('keyboard', () => {
  it('signs up and adds a task with the keyboard alone, with a visible focus ring', async () => {
    const page = await (await newContext()).newPage();
    await page.goto('/signup');
    await page.getByRole('button', { name: 'Sign up' }).waitFor();
    const focusedLabel = (): Promise<string | null> =>
      page.evaluate(() => {
        const active = document.activeElement;
        if (!(active instanceof HTMLInputElement)) return active?.textContent ?? null;
        return active.labels?.[0]?.textContent ?? null;
      });
    const tabTo = async (label: string): Promise<void> => {
      for (let presses = 0; presses < 20; presses += 1) {
        await page.keyboard.press('Tab');
        if ((await focusedLabel()) === label) return;
      }
      throw new Error(`Tab never reached ${label}`);
    };
    await tabTo('Username');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline).toEqual({ style: 'solid', width: '3px' });
    const username = uniqueUsername();
    await page.keyboard.type(username);
    await tabTo('Password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: `${username}'s tasks` }).waitFor();
    await tabTo('New task');
    await page.keyboard.type('Typed, not clicked');
    await page.keyboard.press('Enter');
    await page.getByText('Typed, not clicked', { exact: true }).waitFor();
  });
});
