// No token, password or cookie ever reaches the log: a whole flow runs over HTTP with the log captured
// (pino writing to a stream), then every secret that crossed the wire is searched for in it.
import { TRPCError } from '@trpc/server';
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

it('keeps credentials out of a line even when something logs them by mistake', () => {
  const capture = new LogCapture();
  const logger = createLogger({ level: 'info', destination: capture });
  logger.info(
    {
      password: 'p1-secret-value',
      refreshToken: 'r2-secret-value',
      input: { newPassword: 'p2-secret-value', refreshToken: 'r1-secret-value' },
      req: {
        method: 'GET',
        url: '/trpc/auth.me?input=%7B%22password%22%3A%22u1-secret-value%22%7D',
        headers: { authorization: 'Bearer a1-secret-value', cookie: 'c1-secret-value' },
      },
      res: { statusCode: 200, headers: { 'set-cookie': 's1-secret-value' } },
      headers: { Authorization: 'Bearer a2-secret-value', 'user-agent': 'curl/8' },
      err: { parameters: ['q1-secret-value'] },
      error: { code: '23505', query: 'select q2-secret-value', params: ['q3-secret-value'] },
    },
    'oops',
  );
  const line = JSON.parse(capture.lines[0]!) as Record<string, unknown>;
  expect(line).toMatchObject({
    msg: 'oops',
    input: { newPassword: '[redacted]', refreshToken: '[redacted]' },
    req: { method: 'GET', path: '/trpc/auth.me' },
    res: { statusCode: 200 },
    headers: { Authorization: '[redacted]', 'user-agent': 'curl/8' },
    error: { code: '23505' },
  });
  for (const secret of ['p1', 'p2', 'r1', 'r2', 'u1', 'a1', 'a2', 'c1', 's1', 'q1', 'q2', 'q3'])
    expect(capture.text).not.toContain(`${secret}-secret-value`);
});

it('logs a database error by its SQLSTATE, constraint and table only: no statement, parameter or value', async () => {
  const username = uniqueUsername();
  const me = await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD });
  // Real constraint violations, provoked with secret-looking values (NOT VALID: existing rows are not checked).
  const probes = [
    `alter table tasks add constraint probe_title check (title not like 'probe%') not valid`,
    `alter table users add constraint probe_username check (username not like 'probe%') not valid`,
    `alter table refresh_tokens add constraint probe_refresh check (created_at < '2000-01-01') not valid`,
  ];
  for (const statement of probes) await api.database.orm.execute(statement);
  const from = log.lines.length;
  try {
    const title = 'probe title-secret-value-4711';
    const probeUser = 'probe_user_secret_4711';
    const probePassword = 'probe password secret 4711';
    const answers = [
      await post(api, 'tasks.create', { title }, { authorization: `Bearer ${me.accessToken}` }),
      await post(api, 'auth.signup', { username: probeUser, password: probePassword }),
      await post(api, 'auth.login', { username, password: GOOD_PASSWORD }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([500, 500, 500]);
    const failures = (): Record<string, unknown>[] =>
      log.lines
        .slice(from)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.msg === 'procedure failed');
    await vi.waitFor(() => {
      expect(failures()).toHaveLength(3);
    });
    expect(failures().map((entry) => entry.err)).toEqual([
      objectContaining({ code: '23514', constraint: 'probe_title', table: 'tasks' }),
      objectContaining({ code: '23514', constraint: 'probe_username', table: 'users' }),
      objectContaining({ code: '23514', constraint: 'probe_refresh', table: 'refresh_tokens' }),
    ]);
    const written = log.lines.slice(from).join('\n');
    for (const secret of [title, 'title-secret-value', probeUser, probePassword, username, GOOD_PASSWORD])
      expect(written).not.toContain(secret);
    // The argon2 hash of the probe password and the SHA-256 hash of the refresh token were parameters too.
    expect(written).not.toMatch(/\$argon2/);
    // (pnpm's store paths in the stack frames hold a 64-digit patch hash; that one is not a parameter.)
    expect(written).not.toMatch(/(?<!patch_hash=)\b[0-9a-f]{64}\b/);
    expect(written).not.toMatch(/insert into|Failed query|params/i);
  } finally {
    for (const name of ['tasks probe_title', 'users probe_username', 'refresh_tokens probe_refresh']) {
      const [table, constraint] = name.split(' ');
      await api.database.orm.execute(`alter table ${table} drop constraint ${constraint}`);
    }
  }
});

it('keeps a database error out of every shape of log call: bare, as err, nested, wrapped, without a message', async () => {
  const secret = 'param-secret-value-4711';
  let failure: unknown;
  try {
    await api.database.orm.execute(`select '${secret}'::integer`);
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(Error);
  const dbError = failure as Error;
  const capture = new LogCapture();
  const logger = createLogger({ level: 'info', destination: capture });
  logger.error(dbError);
  logger.error({ err: dbError });
  logger.error({ err: dbError }, 'with a message');
  logger.warn({ attempt: { inner: [dbError] } }, 'nested');
  logger.error({ err: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: dbError }) }, 'wrapped');
  logger.error(new Error('outer', { cause: dbError }), 'caused');
  const entries = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(entries).toHaveLength(6);
  expect(capture.text).not.toContain(secret);
  expect(capture.text).not.toMatch(/Failed query|select/);
  // 22P02 invalid_text_representation, found under each wrapper.
  expect(entries.map((entry) => JSON.stringify(entry).match(/"code":"22P02"/g)?.length)).toEqual([
    1, 1, 1, 1, 1, 1,
  ]);
  expect(entries.map((entry) => entry.msg)).toEqual([
    dbError.constructor.name,
    dbError.constructor.name,
    'with a message',
    'nested',
    'wrapped',
    'caused',
  ]);
  // Any other error keeps its message and stack: they are what a fault is debugged with.
  logger.error(new TypeError('x is not a function'));
  expect(JSON.parse(capture.lines.at(-1)!)).toMatchObject({
    msg: 'x is not a function',
    err: {
      type: 'TypeError',
      message: 'x is not a function',
      stack: expect.stringContaining('TypeError') as unknown,
    },
  });
});
