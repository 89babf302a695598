// No token, password or cookie ever reaches the log: a whole flow runs over HTTP with the log captured
// (pino writing to a stream), then every secret that crossed the wire is searched for in it.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import {
  GOOD_PASSWORD,
  LogCapture,
  post,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from './testing/test-api.js';
import { anyNumber, objectContaining } from './testing/matchers.js';

const log = new LogCapture();
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ log });
});
afterAll(() => api.close());

it('logs one line per request and none of the tokens, passwords or cookies used', async () => {
  const secrets: string[] = [];
  const username = uniqueUsername();
  const newPassword = 'another secret passphrase';
  secrets.push(GOOD_PASSWORD, newPassword, 'wrong password attempt');

  const signup = await post(api, 'auth.signup', { username, password: GOOD_PASSWORD });
  const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
  const { accessToken } = ((await signup.json()) as { result: { data: { accessToken: string } } }).result
    .data;
  secrets.push(cookie.split('=')[1]!, accessToken);

  await post(api, 'auth.login', { username, password: 'wrong password attempt' });
  const login = await api
    .client()
    .auth.login.mutate({ username, password: GOOD_PASSWORD, refreshTransport: 'body' });
  secrets.push(login.accessToken, login.refreshToken!);
  await fetch(
    `${api.trpcUrl}/auth.me?input=${encodeURIComponent(JSON.stringify({ password: GOOD_PASSWORD }))}`,
    {
      headers: { authorization: `Bearer ${login.accessToken}` },
    },
  );
  const refreshed = await api.client().auth.refresh.mutate({ refreshToken: login.refreshToken! });
  secrets.push(refreshed.accessToken, refreshed.refreshToken!);
  const viaCookie = await post(api, 'auth.refresh', {}, { cookie, origin: TEST_ORIGIN });
  secrets.push(viaCookie.headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!);
  const changed = await api
    .client(refreshed.accessToken)
    .auth.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword });
  secrets.push(changed.accessToken);
  await api.client(changed.accessToken).auth.logout.mutate({ refreshToken: refreshed.refreshToken! });
  await fetch(`${api.trpcUrl}/auth.me`, {
    headers: { authorization: 'Bearer forged.token.value', cookie: 'latchkey-refresh=lkr_cookie_value_here' },
  });
  secrets.push('forged.token.value', 'lkr_cookie_value_here');

  const requestLines = (): Record<string, unknown>[] =>
    log.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request');
  // The line is written when the response has closed, which can be just after the client has its answer.
  await vi.waitFor(() => {
    expect(requestLines()).toHaveLength(9);
  });
  expect(requestLines()).toContainEqual(
    objectContaining({
      method: 'POST',
      path: '/trpc/auth.login',
      status: 200,
      ms: anyNumber,
      userId: login.user.id,
    }),
  );
  expect(requestLines()).toContainEqual(
    objectContaining({ method: 'GET', path: '/trpc/auth.me', status: 200, userId: login.user.id }),
  );
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(10);
    expect(log.text).not.toContain(secret);
  }
});

it('redacts credential fields even when something logs them by mistake', () => {
  const capture = new LogCapture();
  const logger = createLogger({ level: 'info', destination: capture });
  logger.info(
    {
      password: 'p1-secret-value',
      input: { newPassword: 'p2-secret-value', refreshToken: 'r1-secret-value' },
      req: { headers: { authorization: 'Bearer a1-secret-value', cookie: 'c1-secret-value' } },
      res: { headers: { 'set-cookie': 's1-secret-value' } },
      err: { parameters: ['q1-secret-value'] },
    },
    'oops',
  );
  expect(capture.text).toContain('oops');
  for (const secret of ['p1', 'p2', 'r1', 'a1', 'c1', 's1', 'q1'])
    expect(capture.text).not.toContain(`${secret}-secret-value`);
});
