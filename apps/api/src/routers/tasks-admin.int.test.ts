// tasks.* (own rows only) and admin.* (role admin, read from the database on every call) over real HTTP.
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, post, startTestApi, uniqueUsername, type TestApi } from '../testing/test-api.js';
import { anyString, arrayContaining, objectContaining } from '../testing/matchers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function signup(options: { admin?: boolean } = {}) {
  const username = uniqueUsername();
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  if (options.admin === true) await api.repositories.users.setRole(session.user.id, 'admin');
  return {
    username,
    id: session.user.id,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken!,
  };
}

async function errorData(
  call: Promise<unknown>,
): Promise<{ code?: string; reason?: string; httpStatus?: number }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error.data as { code?: string };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('tasks', () => {
  it('creates, lists, updates and deletes my own tasks', async () => {
    const me = await signup();
    const tasks = api.client(me.accessToken).tasks;
    const created = await tasks.create.mutate({ title: '  write tests  ' });
    expect(created).toEqual({
      id: anyString,
      title: 'write tests',
      done: false,
      createdAt: anyString,
      updatedAt: anyString,
    });
    await tasks.create.mutate({ title: 'ship it' });
    expect((await tasks.list.query()).map((task) => task.title)).toEqual(['write tests', 'ship it']);
    const updated = await tasks.update.mutate({ id: created.id, done: true });
    expect(updated).toMatchObject({ id: created.id, title: 'write tests', done: true });
    expect(await tasks.delete.mutate({ id: created.id })).toEqual({ ok: true });
    expect((await tasks.list.query()).map((task) => task.title)).toEqual(['ship it']);
  });

  it("answers NOT_FOUND for another user's task and leaves it untouched", async () => {
    const owner = await signup();
    const intruder = await signup();
    const task = await api.client(owner.accessToken).tasks.create.mutate({ title: 'mine' });
    const other = api.client(intruder.accessToken).tasks;
    expect(await other.list.query()).toEqual([]);
    expect(await errorData(other.update.mutate({ id: task.id, title: 'pwned' }))).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
    });
    expect(await errorData(other.delete.mutate({ id: task.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.client(owner.accessToken).tasks.list.query()).toEqual([
      objectContaining({ id: task.id, title: 'mine', done: false }),
    ]);
  });

  it('refuses an ownerId in the input (mass assignment) and empty titles', async () => {
    const me = await signup();
    const victim = await signup();
    const response = await post(
      api,
      'tasks.create',
      { title: 'x', ownerId: victim.id },
      { authorization: `Bearer ${me.accessToken}` },
    );
    expect(response.status).toBe(400);
    expect(await api.client(victim.accessToken).tasks.list.query()).toEqual([]);
    expect(await errorData(api.client(me.accessToken).tasks.create.mutate({ title: '   ' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('needs a token', async () => {
    expect(await errorData(api.client().tasks.list.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'MISSING',
    });
  });
});

describe('admin', () => {
  it('refuses a non-admin with FORBIDDEN', async () => {
    const user = await signup();
    expect(await errorData(api.client(user.accessToken).admin.users.query())).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
    });
    expect(
      await errorData(api.client(user.accessToken).admin.setRole.mutate({ userId: user.id, role: 'admin' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api.repositories.users.findById(user.id))?.role).toBe('user');
  });

  it('lists users', async () => {
    const admin = await signup({ admin: true });
    const users = await api.client(admin.accessToken).admin.users.query();
    expect(users).toContainEqual({
      id: admin.id,
      username: admin.username,
      role: 'admin',
      createdAt: anyString,
      disabledAt: null,
    });
  });

  it('setRole promotes and demotes; a demoted admin loses access at once', async () => {
    const admin = await signup({ admin: true });
    const other = await signup();
    const promoted = await api
      .client(admin.accessToken)
      .admin.setRole.mutate({ userId: other.id, role: 'admin' });
    expect(promoted.role).toBe('admin');
    // The other user's token still says role "user"; the role is read from the database.
    await api.client(other.accessToken).admin.users.query();
    await api.client(other.accessToken).admin.setRole.mutate({ userId: admin.id, role: 'user' });
    expect(await errorData(api.client(admin.accessToken).admin.users.query())).toMatchObject({
      code: 'FORBIDDEN',
    });
    const events = await api.repositories.audit.listForUser(admin.id, { limit: 5 });
    expect(events[0]).toMatchObject({
      type: 'role.changed',
      detail: { from: 'admin', to: 'user', by: other.id },
    });
  });

  it('disableUser revokes every session of the user at once and blocks login', async () => {
    const admin = await signup({ admin: true });
    const target = await signup();
    const second = await api
      .client()
      .auth.login.mutate({ username: target.username, password: GOOD_PASSWORD });
    const disabled = await api.client(admin.accessToken).admin.disableUser.mutate({ userId: target.id });
    expect(disabled).toMatchObject({ id: target.id, disabledAt: anyString });
    expect(await errorData(api.client(target.accessToken).auth.me.query())).toMatchObject({
      reason: 'REVOKED',
    });
    expect(await errorData(api.client(second.accessToken).tasks.list.query())).toMatchObject({
      reason: 'REVOKED',
    });
    expect(
      await errorData(api.client().auth.refresh.mutate({ refreshToken: target.refreshToken })),
    ).toMatchObject({ reason: 'REVOKED' });
    // Same answer as a wrong password: a disabled account is not confirmed to a guesser.
    expect(
      await errorData(api.client().auth.login.mutate({ username: target.username, password: GOOD_PASSWORD })),
    ).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'CREDENTIALS',
    });
    const events = await api.repositories.audit.listForUser(target.id, { limit: 5 });
    expect(events.map((event) => event.type)).toEqual(arrayContaining(['user.disabled', 'login.failed']));
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const admin = await signup({ admin: true });
    expect(
      await errorData(
        api.client(admin.accessToken).admin.disableUser.mutate({ userId: crypto.randomUUID() }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
