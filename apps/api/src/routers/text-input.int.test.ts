// Text PostgreSQL cannot store, or would store changed, over real HTTP: a NUL (PostgreSQL refuses 0x00 in
// text) or a lone surrogate (the drivers encode it as U+FFFD) in any text field of any procedure is a 400 that
// names the field, and nothing is written. Then what each kind of field refuses on top (see text-schema.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

interface Account {
  userId: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

async function signup(): Promise<Account> {
  const username = uniqueUsername('text');
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  return {
    userId: session.user.id,
    username,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken!,
  };
}

const bearer = (account: Account): Record<string, string> => ({
  authorization: `Bearer ${account.accessToken}`,
});

/** The 400 of a call, with the messages given for `field`; fails the test on any other answer. */
async function refusedField(response: Response, field: string): Promise<string[]> {
  const body = (await response.json()) as WireError;
  expect({
    status: response.status,
    code: (body.error as WireError['error'] | undefined)?.data.code,
  }).toEqual({
    status: 400,
    code: 'BAD_REQUEST',
  });
  const messages = body.error.data.zodError?.fieldErrors[field];
  expect(messages, `fieldErrors of ${JSON.stringify(body.error.data.zodError)}`).toBeDefined();
  return messages ?? [];
}

// Unstorable: a NUL anywhere, a high or a low surrogate with no partner, at the start, middle or end.
const UNSTORABLE = [
  ['a NUL', 'before\u0000after'],
  ['a lone high surrogate', 'before\ud83dafter'],
  ['a lone low surrogate', 'before\ude00after'],
  ['a high surrogate at the end', 'before\ud83d'],
  ['a low surrogate at the start', '\ude00after'],
] as const;

describe('a NUL or a lone surrogate in any text field', () => {
  it.each(UNSTORABLE)('%s in a task title: 400 naming title, no task written', async (_name, hostile) => {
    const me = await signup();
    const created = await post(api, 'tasks.create', { title: hostile }, bearer(me));
    expect(await refusedField(created, 'title')).toEqual([
      expect.stringMatching(/NUL|surrogate/) as unknown as string,
    ]);
    expect(await api.client(me.accessToken).tasks.list.query()).toEqual([]);

    const task = await api.client(me.accessToken).tasks.create.mutate({ title: 'kept as it is' });
    await refusedField(await post(api, 'tasks.update', { id: task.id, title: hostile }, bearer(me)), 'title');
    expect((await api.client(me.accessToken).tasks.list.query()).map((row) => row.title)).toEqual([
      'kept as it is',
    ]);
  });

  it.each(UNSTORABLE)(
    '%s in a password: 400 naming the field, no account or session made',
    async (_name, hostile) => {
      const username = uniqueUsername('text');
      const password = `correct horse ${hostile} battery`;
      await refusedField(await post(api, 'auth.signup', { username, password }), 'password');
      expect(await api.repositories.users.findByUsername(username)).toBeNull();

      const me = await signup();
      await refusedField(await post(api, 'auth.login', { username: me.username, password }), 'password');
      await refusedField(
        await post(
          api,
          'auth.changePassword',
          { currentPassword: password, newPassword: GOOD_PASSWORD },
          bearer(me),
        ),
        'currentPassword',
      );
      await refusedField(
        await post(
          api,
          'auth.changePassword',
          { currentPassword: GOOD_PASSWORD, newPassword: password },
          bearer(me),
        ),
        'newPassword',
      );
      // The password did not change: the old one still logs in.
      await api.client().auth.login.mutate({ username: me.username, password: GOOD_PASSWORD });
    },
  );

  it.each(UNSTORABLE)(
    '%s in a username, refresh token, id or role: 400 naming the field',
    async (_name, hostile) => {
      const admin = await signup();
      await api.repositories.users.setRole(admin.userId, 'admin');
      const cases: [string, Record<string, unknown>, string][] = [
        ['auth.signup', { username: `ab${hostile}`, password: GOOD_PASSWORD }, 'username'],
        ['auth.login', { username: `ab${hostile}`, password: GOOD_PASSWORD }, 'username'],
        ['auth.refresh', { refreshToken: `${admin.refreshToken}${hostile}` }, 'refreshToken'],
        ['auth.logout', { refreshToken: `${admin.refreshToken}${hostile}` }, 'refreshToken'],
        ['auth.revokeSession', { sessionId: hostile }, 'sessionId'],
        ['tasks.delete', { id: hostile }, 'id'],
        ['admin.setRole', { userId: admin.userId, role: `admin${hostile}` }, 'role'],
        ['admin.disableUser', { userId: hostile }, 'userId'],
      ];
      for (const [procedure, input, field] of cases)
        await refusedField(await post(api, procedure, input, bearer(admin)), field);
      // The session survived the refresh and logout attempts with a doctored token.
      await api.client().auth.refresh.mutate({ refreshToken: admin.refreshToken });
    },
  );

  it('in one call of a batch: that call is a 400 naming title, the other call of the batch succeeds', async () => {
    const me = await signup();
    const response = await fetch(`${api.trpcUrl}/tasks.create,tasks.create?batch=1`, {
      method: 'POST',
      headers: { ...bearer(me), 'content-type': 'application/json' },
      body: '{"0":{"title":"fine"},"1":{"title":"x\\u0000y"}}',
    });
    const [first, second] = (await response.json()) as [{ result?: unknown }, WireError];
    expect(first.result).toBeDefined();
    expect(second.error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(second.error.data.zodError?.fieldErrors.title).toHaveLength(1);
    expect((await api.client(me.accessToken).tasks.list.query()).map((row) => row.title)).toEqual(['fine']);
  });
});

describe('what each kind of field refuses on top', () => {
  it('a task title keeps tab, newline, right-to-left text, isolates and emoji, exactly as sent', async () => {
    const me = await signup();
    const tasks = api.client(me.accessToken).tasks;
    const title = 'line one\r\n\tline two: שלום \u2067abc\u2069 😀 \u00e9';
    expect((await tasks.create.mutate({ title })).title).toBe(title);
    expect((await tasks.list.query()).map((row) => row.title)).toEqual([title]);
  });

  it.each([
    ['ESC (a terminal escape)', 'red \u001b[31m text'],
    ['BEL', 'ding \u0007'],
    ['vertical tab', 'a\u000bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control (CSI)', 'a\u009b31mb'],
  ])('a task title with %s: 400 naming title', async (_name, title) => {
    const me = await signup();
    expect(await refusedField(await post(api, 'tasks.create', { title }, bearer(me)), 'title')).toEqual([
      expect.stringMatching(/control/) as unknown as string,
    ]);
    expect(await api.client(me.accessToken).tasks.list.query()).toEqual([]);
  });

  it.each([
    ['a right-to-left override', '\u202enimda'],
    ['a left-to-right isolate', 'ad\u2066min'],
    ['a zero-width space', 'ad\u200bmin'],
    ['a soft hyphen', 'ad\u00admin'],
    ['a C1 control', 'ad\u0085min'],
    ['a Cyrillic look-alike', 'аdmin'],
  ])('a username with %s: 400 naming username, no account', async (_name, username) => {
    await refusedField(await post(api, 'auth.signup', { username, password: GOOD_PASSWORD }), 'username');
    expect(await api.repositories.users.findByUsername(username)).toBeNull();
  });

  it('a password may hold any other character: spaces, tab, emoji, right-to-left text, controls', async () => {
    const username = uniqueUsername('text');
    const password = 'tab\there, ␀ is fine, 😀 שלום \u202e \u001b and \u0085';
    await api.client().auth.signup.mutate({ username, password });
    const login = await api.client().auth.login.mutate({ username, password });
    expect(login.user.username).toBe(username);
  });
});
