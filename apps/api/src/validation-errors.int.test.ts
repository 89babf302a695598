// Bad input over real HTTP, on both transports: `error.message` is one sentence naming the field, and the
// structured field errors stay in `error.data.zodError` where the web app and the client read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from './testing/test-api.js';

describe.each(['fast', 'official'] as const)('validation errors on the %s transport', (transport) => {
  let api: TestApi;
  let accessToken: string;
  beforeAll(async () => {
    api = await startTestApi({ env: { HTTP_TRANSPORT: transport } });
    const session = await api
      .client()
      .auth.signup.mutate({ username: uniqueUsername(), password: GOOD_PASSWORD, refreshTransport: 'body' });
    accessToken = session.accessToken;
  });
  afterAll(() => api.close());

  async function badRequest(
    procedure: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<WireError['error']> {
    const response = await post(api, procedure, body, headers);
    expect(response.status).toBe(400);
    const wire = (await response.json()) as WireError;
    expect(wire.error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(wire.error.message).not.toContain('\n');
    return wire.error;
  }

  it('names the too-long title of tasks.create', async () => {
    const error = await badRequest(
      'tasks.create',
      { title: 'x'.repeat(1001) },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(error.message).toBe('title: Too big: expected string to have <=1000 characters');
    expect(error.data.zodError).toEqual({
      formErrors: [],
      fieldErrors: { title: ['Too big: expected string to have <=1000 characters'] },
    });
  });

  it('names the short username of auth.signup', async () => {
    const error = await badRequest('auth.signup', { username: 'x', password: GOOD_PASSWORD });
    expect(error.message).toBe('username: Too small: expected string to have >=3 characters');
    expect(error.data.zodError?.fieldErrors.username).toEqual([
      'Too small: expected string to have >=3 characters',
    ]);
  });

  it('names an unknown key on auth.login, cut short and on one line', async () => {
    // Well under the body limit, far over what a message should carry.
    const error = await badRequest('auth.login', {
      username: uniqueUsername(),
      password: GOOD_PASSWORD,
      [`role\0\n${'x'.repeat(20_000)}`]: 'admin',
    });
    expect(error.message.startsWith('Unrecognized key: "role\uFFFD\uFFFDxxx')).toBe(true);
    expect(error.message.length).toBeLessThanOrEqual(300);
  });

  it('says what is wrong with an input that is not an object at all', async () => {
    const error = await badRequest('auth.signup', 'just a string');
    expect(error.message).toBe('Invalid input: expected object, received string');
    expect(error.data.zodError?.fieldErrors).toEqual({});
  });

  it('names the bad id of auth.revokeSession', async () => {
    const error = await badRequest(
      'auth.revokeSession',
      { sessionId: 'not-a-uuid' },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(error.message).toBe('sessionId: Invalid UUID');
  });
});
