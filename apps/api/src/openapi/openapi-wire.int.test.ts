// The OpenAPI document against the live API: a client that knows only the served document calls every
// operation over real HTTP, and every request it sends and every answer it gets must match the document's
// schemas. A procedure the document does not describe, an answer with a field it does not name or without one
// it requires, a status it does not list: each fails here.
import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiClient } from '../testing/openapi-client.js';
import {
  GOOD_PASSWORD,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from '../testing/test-api.js';

let api: TestApi;
let document: OpenAPIObject;
let client: OpenApiClient;

beforeAll(async () => {
  api = await startTestApi();
  const response = await fetch(`${api.url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  document = (await response.json()) as OpenAPIObject;
  client = new OpenApiClient(document, api.url);
});
afterAll(() => api.close());

interface WireSession {
  accessToken: string;
  refreshToken?: string;
  deviceToken?: string;
  user: { id: string; username: string };
}

function dataOf(call: { body: unknown }): unknown {
  return (call.body as { result: { data: unknown } }).result.data;
}

function errorOf(call: { body: unknown }): { code: string; reason?: string } {
  return (call.body as { error: { data: { code: string; reason?: string } } }).error.data;
}

async function signup(): Promise<WireSession> {
  const call = await client.call('authSignup', {
    input: { username: uniqueUsername('oas'), password: GOOD_PASSWORD, refreshTransport: 'body' },
  });
  expect(call.status).toBe(200);
  return dataOf(call) as WireSession;
}

/**
 * The token of the newest link to `page` mailed to `to`, read from the development outbox the test server
 * sends to (NODE_ENV=test, no MAIL_URL) once the queue has sent it: a real link, as its reader would follow it.
 */
async function mailedToken(to: string, page: 'verify-email' | 'reset-password'): Promise<string> {
  const mailer = api.server.app.mailer;
  if (mailer?.outbox == null) throw new Error('the test server mails to the development outbox');
  await mailer.queue.idle();
  const message = mailer.outbox.messages().find((sent) => sent.to === to);
  const link = message?.text.match(new RegExp(`/${page}#token=([^\\s]+)`));
  if (link?.[1] === undefined) throw new Error(`no ${page} link mailed to ${to}`);
  return decodeURIComponent(link[1]);
}

describe('the served OpenAPI document', () => {
  it('is the committed apps/api/openapi.json', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
    );
    expect(document).toEqual(committed);
  });

  it('answers a body-transport client through the whole session lifecycle, as documented', async () => {
    const signedUp = await signup();
    expect(signedUp.refreshToken).toMatch(/^lkr_/);

    const login = await client.call('authLogin', {
      input: { username: signedUp.user.username, password: GOOD_PASSWORD, refreshTransport: 'body' },
    });
    const session = dataOf(login) as WireSession;
    expect(session.deviceToken).toBeDefined();
    const accessToken = session.accessToken;

    for (const operationId of ['authMe', 'authToken', 'authSessions', 'authAuditEvents', 'authSettings'])
      expect((await client.call(operationId, { accessToken })).status).toBe(200);

    const task = dataOf(
      await client.call('tasksCreate', { accessToken, input: { title: 'Water the plants' } }),
    ) as { id: string };
    expect(
      (await client.call('tasksUpdate', { accessToken, input: { id: task.id, done: true } })).status,
    ).toBe(200);
    const listed = dataOf(await client.call('tasksList', { accessToken })) as { id: string; done: boolean }[];
    expect(listed).toEqual([expect.objectContaining({ id: task.id, done: true })]);
    expect((await client.call('tasksDelete', { accessToken, input: { id: task.id } })).status).toBe(200);

    const refreshed = dataOf(
      await client.call('authRefresh', { input: { refreshToken: session.refreshToken } }),
    ) as WireSession;
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);

    // The signup's session, revoked from the login's.
    const signupSessionId = (
      dataOf(await client.call('authToken', { accessToken: signedUp.accessToken })) as { sessionId: string }
    ).sessionId;
    expect(
      (await client.call('authRevokeSession', { accessToken, input: { sessionId: signupSessionId } })).status,
    ).toBe(200);

    const changed = dataOf(
      await client.call('authChangePassword', {
        accessToken: refreshed.accessToken,
        input: { currentPassword: GOOD_PASSWORD, newPassword: `${GOOD_PASSWORD} again` },
      }),
    ) as WireSession;
    expect(changed.refreshToken).toBeUndefined();

    expect(
      (await client.call('authLogout', { input: { refreshToken: refreshed.refreshToken } })).status,
    ).toBe(200);
    const afterLogout = await client.call('authMe', { accessToken: changed.accessToken });
    expect([afterLogout.status, errorOf(afterLogout).reason]).toEqual([401, 'REVOKED']);
  });

  it('answers a cookie refresh without the token in the body, and a logoutAll', async () => {
    const login = await client.call('authSignup', {
      input: { username: uniqueUsername('oasc'), password: GOOD_PASSWORD },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^latchkey-refresh=lkr_/);
    const refreshed = await client.call('authRefresh', { headers: { cookie, origin: TEST_ORIGIN } });
    expect(refreshed.status).toBe(200);
    expect((dataOf(refreshed) as WireSession).refreshToken).toBeUndefined();
    const all = await client.call('authLogoutAll', {
      accessToken: (dataOf(refreshed) as WireSession).accessToken,
    });
    expect(dataOf(all)).toEqual({ revoked: 1 });
  });

  it('answers the email and password reset operations, following the links they mail', async () => {
    const username = uniqueUsername('oasm');
    const email = `${username.toLowerCase()}@example.com`;
    const signedUp = dataOf(
      await client.call('authSignup', {
        input: { username, password: GOOD_PASSWORD, email, refreshTransport: 'body' },
      }),
    ) as WireSession;
    const verifyToken = await mailedToken(email, 'verify-email');
    const verified = await client.call('authVerifyEmail', { input: { token: verifyToken } });
    expect(dataOf(verified)).toEqual({ email });
    const used = await client.call('authVerifyEmail', { input: { token: verifyToken } });
    expect([used.status, errorOf(used).reason]).toEqual([400, 'LINK_INVALID']);

    const accessToken = signedUp.accessToken;
    const status = dataOf(await client.call('authEmail', { accessToken })) as { email: string | null };
    expect(status.email).toBe(email);
    const newEmail = `new-${email}`;
    const changing = await client.call('authChangeEmail', { accessToken, input: { email: newEmail } });
    expect(dataOf(changing)).toEqual({ pending: newEmail });

    expect(
      dataOf(await client.call('authRequestPasswordReset', { input: { identifier: username } })),
    ).toEqual({ ok: true });
    const resetToken = await mailedToken(email, 'reset-password');
    const reset = await client.call('authResetPassword', {
      input: { token: resetToken, newPassword: `${GOOD_PASSWORD} reset` },
    });
    expect(dataOf(reset)).toEqual({ ok: true });

    // The reset revoked the signup's session, which now shows among the ended ones.
    const login = dataOf(
      await client.call('authLogin', {
        input: { username, password: `${GOOD_PASSWORD} reset`, refreshTransport: 'body' },
      }),
    ) as WireSession;
    const ended = dataOf(await client.call('authEndedSessions', { accessToken: login.accessToken })) as {
      endedReason: string;
    }[];
    expect(ended).toEqual([expect.objectContaining({ endedReason: 'password-reset' })]);

    const deleted = await client.call('authDeleteAccount', {
      accessToken: login.accessToken,
      input: { password: `${GOOD_PASSWORD} reset` },
    });
    expect(dataOf(deleted)).toEqual({ ok: true });
    const afterDelete = await client.call('authMe', { accessToken: login.accessToken });
    expect([afterDelete.status, errorOf(afterDelete).reason]).toEqual([401, 'REVOKED']);
  });

  it('answers the admin operations for an admin and FORBIDDEN for a user', async () => {
    const admin = await signup();
    await api.repositories.users.setRole(admin.user.id, 'admin');
    const user = await signup();
    expect((await client.call('adminUsers', { accessToken: admin.accessToken })).status).toBe(200);
    const promoted = await client.call('adminSetRole', {
      accessToken: admin.accessToken,
      input: { userId: user.user.id, role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    const disabled = await client.call('adminDisableUser', {
      accessToken: admin.accessToken,
      input: { userId: user.user.id },
    });
    expect((dataOf(disabled) as { disabledAt: string | null }).disabledAt).not.toBeNull();
    const enabled = await client.call('adminEnableUser', {
      accessToken: admin.accessToken,
      input: { userId: user.user.id },
    });
    expect((dataOf(enabled) as { disabledAt: string | null }).disabledAt).toBeNull();

    const other = await signup();
    const otherSessions = dataOf(
      await client.call('adminUserSessions', {
        accessToken: admin.accessToken,
        input: { userId: other.user.id },
      }),
    ) as { id: string }[];
    expect(otherSessions).toHaveLength(1);
    const revoked = await client.call('adminRevokeSession', {
      accessToken: admin.accessToken,
      input: { userId: other.user.id, sessionId: otherSessions[0]?.id },
    });
    expect(dataOf(revoked)).toEqual({ ok: true });
    const ownSessionId = (
      dataOf(await client.call('authToken', { accessToken: admin.accessToken })) as { sessionId: string }
    ).sessionId;
    const self = await client.call('adminRevokeSession', {
      accessToken: admin.accessToken,
      input: { userId: admin.user.id, sessionId: ownSessionId },
    });
    expect([self.status, errorOf(self).reason]).toEqual([403, 'SELF_TARGET']);
    const stranger = await signup();
    const refused = await client.call('adminUsers', { accessToken: stranger.accessToken });
    expect([refused.status, errorOf(refused).code]).toEqual([403, 'FORBIDDEN']);
  });

  it('answers the documented errors in the documented envelope', async () => {
    const session = await signup();
    const cases: [string, Parameters<OpenApiClient['call']>[1], number, string][] = [
      ['authMe', {}, 401, 'UNAUTHORIZED'],
      [
        'authLogin',
        { input: { username: session.user.username, password: 'not the password' } },
        401,
        'UNAUTHORIZED',
      ],
      [
        'authSignup',
        { input: { username: session.user.username, password: GOOD_PASSWORD } },
        409,
        'CONFLICT',
      ],
      [
        'tasksUpdate',
        {
          accessToken: session.accessToken,
          input: { id: '00000000-0000-4000-8000-000000000000', done: true },
        },
        404,
        'NOT_FOUND',
      ],
      ['authRefresh', { headers: { cookie: 'latchkey-refresh=lkr_x' } }, 403, 'FORBIDDEN'],
    ];
    for (const [operationId, options, status, code] of cases) {
      const call = await client.call(operationId, options);
      expect([operationId, call.status, errorOf(call).code]).toEqual([operationId, status, code]);
    }
  });

  it('answers an input the document refuses with BAD_REQUEST, never a 500', async () => {
    // Sent raw: the document's client would refuse to send it.
    const response = await fetch(`${api.url}/trpc/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: GOOD_PASSWORD, role: 'admin' }),
    });
    expect(response.status).toBe(400);
    await expect(
      client.call('authSignup', { input: { username: 'x', password: GOOD_PASSWORD, role: 'admin' } }),
    ).rejects.toThrow(/authSignup request does not match the document/);
  });

  it('was called for every operation it documents, each answering 200', () => {
    const unanswered = client.operationIds.filter(
      (operationId) => client.answered.get(operationId)?.has(200) !== true,
    );
    expect(unanswered).toEqual([]);
    expect(client.operationIds).toHaveLength(Object.values(document.paths ?? {}).length);
  });
});
