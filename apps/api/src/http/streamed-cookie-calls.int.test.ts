// Cookie-setting procedures asked for a streamed answer (tRPC's httpBatchStreamLink: `trpc-accept:
// application/jsonl`, or `Accept: application/jsonl`), over real HTTP on both /trpc transports. A streamed
// answer sends its headers before any procedure runs, so no Set-Cookie can follow: such a call must be refused
// before it rotates, revokes or creates anything, with a BAD_REQUEST that says why, and a call that needs no
// cookie (refresh token in the body) keeps working. Other Accept values are ordinary JSON answers.
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../router.js';
import { stringMatching } from '../testing/matchers.js';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from '../testing/test-api.js';

const STREAM_REFUSAL = /streamed answer cannot carry/;

describe.each(['fast', 'official'] as const)('on the %s transport', (transport) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { HTTP_TRANSPORT: transport } });
  });
  afterAll(() => api.close());

  /** httpBatchStreamLink as a browser page uses it: same origin, the browser attaching the cookie. */
  function streamClient(cookie?: string) {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: api.trpcUrl,
          headers: () => ({ origin: TEST_ORIGIN, ...(cookie === undefined ? {} : { cookie }) }),
        }),
      ],
    });
  }

  async function streamFailure(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
    try {
      await call;
    } catch (error) {
      if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
      throw error;
    }
    throw new Error('expected the streamed call to fail');
  }

  async function browserSession(): Promise<{ cookie: string; accessToken: string; sessionId: string }> {
    const response = await post(api, 'auth.signup', {
      username: uniqueUsername('stream'),
      password: GOOD_PASSWORD,
    });
    const body = (await response.json()) as { result: { data: { accessToken: string } } };
    const accessToken = body.result.data.accessToken;
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      sid: string;
    };
    return {
      cookie: response.headers.getSetCookie()[0]?.split(';')[0] ?? '',
      accessToken,
      sessionId: payload.sid,
    };
  }

  async function auditTypes(accessToken: string): Promise<string[]> {
    const events = await api.client(accessToken).auth.auditEvents.query();
    return events.map((event) => event.type);
  }

  it('refuses a streamed cookie refresh before rotating: the cookie still refreshes after the grace window', async () => {
    const victim = await browserSession();
    const error = await streamFailure(streamClient(victim.cookie).auth.refresh.mutate());
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.message).toMatch(STREAM_REFUSAL);
    expect(await auditTypes(victim.accessToken)).toEqual(['signup']);
    // Had it rotated, presenting the same cookie after the grace window would be reuse and revoke the session.
    api.clock.advance(api.server.app.config.refreshGraceSeconds + 1);
    try {
      const again = await post(api, 'auth.refresh', {}, { cookie: victim.cookie, origin: TEST_ORIGIN });
      expect(again.status).toBe(200);
      expect(again.headers.getSetCookie()).toEqual([stringMatching(/^latchkey-refresh=lkr_/)]);
    } finally {
      api.clock.advance(-(api.server.app.config.refreshGraceSeconds + 1));
    }
  });

  it('refuses the raw request (`POST auth.refresh?batch=1`, Accept: application/jsonl) the same way', async () => {
    const victim = await browserSession();
    const response = await fetch(`${api.trpcUrl}/auth.refresh?batch=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/jsonl',
        cookie: victim.cookie,
        origin: TEST_ORIGIN,
      },
      body: '{}',
    });
    const text = await response.text();
    expect(text).toMatch(STREAM_REFUSAL);
    expect(text).toMatch(/"BAD_REQUEST"/);
    expect(text).not.toMatch(/lkr_/);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await auditTypes(victim.accessToken)).toEqual(['signup']);
  });

  it('refuses a streamed signup or login that would set the cookie, before creating anything', async () => {
    const username = uniqueUsername('stream');
    const signup = await streamFailure(
      streamClient().auth.signup.mutate({ username, password: GOOD_PASSWORD }),
    );
    expect(signup.data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(signup.message).toMatch(STREAM_REFUSAL);
    expect(await api.repositories.users.findByUsername(username)).toBeNull();

    const victim = await browserSession();
    const me = await api.client(victim.accessToken).auth.me.query();
    const login = await streamFailure(
      streamClient().auth.login.mutate({ username: me.username, password: GOOD_PASSWORD }),
    );
    expect(login.message).toMatch(STREAM_REFUSAL);
    expect(await api.client(victim.accessToken).auth.sessions.query()).toHaveLength(1);
  });

  it('refuses a streamed cookie logout before revoking: the session lives on', async () => {
    const victim = await browserSession();
    const error = await streamFailure(streamClient(victim.cookie).auth.logout.mutate());
    expect(error.message).toMatch(STREAM_REFUSAL);
    expect(await api.repositories.sessions.findActiveById(victim.sessionId, api.clock.now())).not.toBeNull();
  });

  it('refuses a streamed logoutAll that would clear its own cookie, before revoking anything', async () => {
    const owner = await browserSession();
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: api.trpcUrl,
          headers: () => ({
            origin: TEST_ORIGIN,
            cookie: owner.cookie,
            authorization: `Bearer ${owner.accessToken}`,
          }),
        }),
      ],
    });
    const error = await streamFailure(client.auth.logoutAll.mutate());
    expect(error.message).toMatch(STREAM_REFUSAL);
    expect(await api.repositories.sessions.findActiveById(owner.sessionId, api.clock.now())).not.toBeNull();
  });

  it('serves streamed calls that need no cookie: login and refresh with the token in the body', async () => {
    const username = uniqueUsername('stream');
    const client = streamClient();
    const session = await client.auth.signup.mutate({
      username,
      password: GOOD_PASSWORD,
      refreshTransport: 'body',
    });
    expect(session.refreshToken).toMatch(/^lkr_/);
    const refreshed = await client.auth.refresh.mutate({ refreshToken: session.refreshToken });
    expect(refreshed.refreshToken).toMatch(/^lkr_/);
    expect(await client.auth.logout.mutate({ refreshToken: refreshed.refreshToken })).toEqual({ ok: true });
  });

  it.each([
    ['Accept: text/event-stream', { accept: 'text/event-stream' }],
    ['trpc-accept of another type', { 'trpc-accept': 'application/json' }],
  ])('answers a cookie refresh with %s as plain JSON, with the cookie', async (_name, headers) => {
    const victim = await browserSession();
    const response = await post(
      api,
      'auth.refresh',
      {},
      { cookie: victim.cookie, origin: TEST_ORIGIN, ...headers },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/lkr_/);
    expect(response.headers.getSetCookie()).toEqual([stringMatching(/^latchkey-refresh=lkr_/)]);
  });
});
