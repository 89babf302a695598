// The procedure builders and flows through createCaller, without HTTP: the context is built by the same
// `readAccessState` the server uses; only the cookie jar is an in-memory one, as there is no response.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { readAccessState, type Context } from './context.js';
import type { RefreshCookieJar } from './http/cookies.js';
import { appRouter } from './router.js';
import { createCallerFactory } from './trpc.js';
import {
  GOOD_PASSWORD,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from './testing/test-api.js';

let api: TestApi;
let app: App;
beforeAll(async () => {
  api = await startTestApi();
  app = api.server.app;
});
afterAll(() => api.close());

const createCaller = createCallerFactory(appRouter);

function memoryJar(): RefreshCookieJar & { value: string | null } {
  const jar = {
    value: null as string | null,
    read: () => jar.value,
    readIfSingle: () => jar.value,
    set: (token: string) => {
      jar.value = token;
    },
    clear: () => {
      jar.value = null;
    },
    // createCaller answers without HTTP, so nothing is streamed and a cookie can always be set.
    assertSettable: () => undefined,
  };
  return jar;
}

async function callerFor(options: { bearer?: string; jar?: RefreshCookieJar; origin?: string } = {}) {
  const ctx: Context = {
    app,
    request: {
      clientAddress: '198.51.100.7',
      userAgent: 'vitest',
      origin: options.origin ?? null,
      secFetchSite: null,
      contentType: 'application/json',
    },
    access: await readAccessState(app, options.bearer === undefined ? undefined : `Bearer ${options.bearer}`),
    refreshCookie: options.jar ?? memoryJar(),
    deviceCookie: memoryJar(),
    log: { userId: null },
  };
  return createCaller(ctx);
}

async function trpcErrorOf(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('procedure builders', () => {
  it('a public procedure runs whatever the token', async () => {
    const caller = await callerFor({ bearer: 'garbage' });
    const session = await caller.auth.signup({
      username: uniqueUsername(),
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    expect(session.refreshToken).toMatch(/^lkr_/);
  });

  it('a protected procedure maps the recorded token state to UNAUTHORIZED with its reason', async () => {
    const missing = await trpcErrorOf((await callerFor()).auth.me());
    expect(missing.code).toBe('UNAUTHORIZED');
    const invalid = await trpcErrorOf((await callerFor({ bearer: 'garbage' })).auth.me());
    expect(invalid.code).toBe('UNAUTHORIZED');
    expect([missing.cause, invalid.cause].map((cause) => (cause as { code?: string }).code)).toEqual([
      'TOKEN_MISSING',
      'TOKEN_INVALID',
    ]);
  });

  it('the cookie flow: signup sets the jar, refresh from an allowed origin rotates it, logout clears it', async () => {
    const jar = memoryJar();
    await (
      await callerFor({ jar })
    ).auth.signup({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'cookie' });
    const first = jar.value;
    expect(first).toMatch(/^lkr_/);

    const refused = await trpcErrorOf(
      (await callerFor({ jar, origin: 'https://evil.example' })).auth.refresh({}),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(jar.value).toBe(first);

    const refreshed = await (await callerFor({ jar, origin: TEST_ORIGIN })).auth.refresh({});
    expect(refreshed).not.toHaveProperty('refreshToken');
    expect(jar.value).not.toBe(first);

    expect(await (await callerFor({ jar, origin: TEST_ORIGIN })).auth.logout({})).toEqual({ ok: true });
    expect(jar.value).toBeNull();
    const after = await trpcErrorOf((await callerFor({ bearer: refreshed.accessToken })).auth.me());
    expect((after.cause as { code?: string }).code).toBe('SESSION_REVOKED');
  });

  it('adminProcedure reads the role from the database, not the token', async () => {
    const caller = await callerFor();
    const session = await caller.auth.signup({ username: uniqueUsername(), password: GOOD_PASSWORD });
    expect((await trpcErrorOf((await callerFor({ bearer: session.accessToken })).admin.users())).code).toBe(
      'FORBIDDEN',
    );
    await api.repositories.users.setRole(session.user.id, 'admin');
    // Written past this instance, the change reaches its user cache by the database's NOTIFY: asked until
    // then, for at most a second (a bound on correctness, not a speed measurement).
    const admin = await callerFor({ bearer: session.accessToken });
    const deadline = Date.now() + 1000;
    let users = await admin.admin.users().catch(() => null);
    while (users === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      users = await admin.admin.users().catch(() => null);
    }
    expect(users).toContainEqual(expect.objectContaining({ id: session.user.id, role: 'admin' }) as unknown);
  });
});
