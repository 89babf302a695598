// Password reset over real HTTP with mail through a real SMTP server (smtp-server, in this process): the
// message is read back with mailparser and its link followed as the web app would. The attacker's view: no
// enumeration (same body, same request-path work), no link poisoning through Host headers, single use under
// a race, only the newest link, expiry, no token in a log line, and a mail server that refuses or hangs.
import { createPasswordHasher } from '@latchkey/auth';
import { countingArgon2Engine } from '@latchkey/auth/testing';
import { emailTokens, rateLimits } from '@latchkey/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordRepositoryCalls } from '../testing/repository-calls.js';
import {
  GOOD_PASSWORD,
  LogCapture,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { startTestMailServer, type ReceivedMail, type TestMailServer } from '../testing/test-mail-server.js';

const NEW_PASSWORD = 'a completely new passphrase';
const PUBLIC_WEB_URL = 'https://app.example.test';

let mail: TestMailServer;
let api: TestApi;
let log: LogCapture;
beforeAll(async () => {
  mail = await startTestMailServer();
  log = new LogCapture();
  api = await startTestApi({ env: { MAIL_URL: mail.url, PUBLIC_WEB_URL }, log });
});
afterAll(async () => {
  await api.close();
  await mail.close();
});

function mailQueue(testApi: TestApi) {
  const mailer = testApi.server.app.mailer;
  if (mailer === null) throw new Error('recovery is on in these tests');
  return mailer.queue;
}

/** The token of an emailed link: in the fragment, where the web app's page reads it. */
function tokenOf(message: ReceivedMail, page: 'verify-email' | 'reset-password'): string {
  const link = message.links.find((url) => url.startsWith(`${PUBLIC_WEB_URL}/${page}#token=`));
  if (link === undefined) throw new Error(`no ${page} link in the message`);
  return decodeURIComponent(new URL(link).hash.slice('#token='.length));
}

/** A user with a verified address, logged in with the refresh token in the body. */
async function verifiedUser(testApi = api, server = mail) {
  const username = uniqueUsername('reset');
  const email = `${username.toLowerCase()}@example.com`;
  const session = await testApi
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, email, refreshTransport: 'body' });
  const verification = await server.next(email);
  await testApi.client().auth.verifyEmail.mutate({ token: tokenOf(verification, 'verify-email') });
  return { username, email, session, accessToken: session.accessToken, refreshToken: session.refreshToken! };
}

async function requestReset(identifier: string, headers: Record<string, string> = {}, testApi = api) {
  return post(testApi, 'auth.requestPasswordReset', { identifier }, headers);
}

async function resetLink(user: { username: string; email: string }): Promise<string> {
  const before = mail.to(user.email).length;
  expect((await requestReset(user.username)).status).toBe(200);
  return tokenOf(await mail.next(user.email, { after: before }), 'reset-password');
}

async function tokenRowCount(testApi = api): Promise<number> {
  return testApi.database.orm.$count(emailTokens);
}

describe('the reset flow', () => {
  it('mails a link to the verified address; the reset ends every session and the new password logs in', async () => {
    const user = await verifiedUser();
    const second = await api
      .client()
      .auth.login.mutate({ username: user.username, password: GOOD_PASSWORD, refreshTransport: 'body' });
    const token = await resetLink(user);
    const before = mail.to(user.email).length;
    expect(await api.client().auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD })).toEqual({
      ok: true,
    });

    // Every session is over, at once: access tokens refused by the revocation set, refresh tokens dead.
    for (const accessToken of [user.accessToken, second.accessToken]) {
      const me = await fetch(`${api.trpcUrl}/auth.me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(((await me.json()) as WireError).error.data.reason).toBe('REVOKED');
    }
    const refreshed = await post(api, 'auth.refresh', { refreshToken: user.refreshToken });
    expect(refreshed.status).toBe(401);
    expect((await post(api, 'auth.login', { username: user.username, password: GOOD_PASSWORD })).status).toBe(
      401,
    );
    expect((await post(api, 'auth.login', { username: user.username, password: NEW_PASSWORD })).status).toBe(
      200,
    );

    // Audited, and the address is told.
    const notice = await mail.next(user.email, { after: before });
    expect(notice.subject).toBe('Latchkey: your password was changed');
    const fresh = await api.client().auth.login.mutate({ username: user.username, password: NEW_PASSWORD });
    const events = await api.client(fresh.accessToken).auth.auditEvents.query();
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['password.reset-requested', 'password.reset']),
    );
    const sessions = await api.repositories.sessions.listActiveForUser(user.session.user.id, api.clock.now());
    expect(sessions).toHaveLength(2);
  });

  it('sends plain text and HTML with the product name, the link to the configured web app, and nothing that tracks', async () => {
    const user = await verifiedUser();
    await requestReset(user.username);
    const message = await mail.next(user.email, { after: 1 });
    expect(message.subject).toBe('Latchkey: reset your password');
    expect(message.from).toContain('no-reply@localhost');
    expect(message.text).toContain(`${PUBLIC_WEB_URL}/reset-password#token=lke_`);
    expect(message.html).toContain(`href="${PUBLIC_WEB_URL}/reset-password#token=lke_`);
    expect(message.html).not.toMatch(/<img|<script|<link|src=|url\(/i);
    const hrefs = [...message.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    expect(hrefs).toHaveLength(1);
  });

  it('builds the link from PUBLIC_WEB_URL, never from a forged Host or X-Forwarded-Host', async () => {
    const user = await verifiedUser();
    const before = mail.to(user.email).length;
    const answer = await requestReset(user.username, {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(200);
    const message = await mail.next(user.email, { after: before });
    expect(message.links.every((link) => link.startsWith(`${PUBLIC_WEB_URL}/`))).toBe(true);
    expect(message.text + message.html).not.toContain('evil.example');
  });

  it('a link works once: of two resets racing with one token exactly one wins', async () => {
    const user = await verifiedUser();
    const token = await resetLink(user);
    const answers = await Promise.all(
      [NEW_PASSWORD, 'another brand new passphrase'].map((newPassword) =>
        post(api, 'auth.resetPassword', { token, newPassword }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    const loser = answers.find((answer) => answer.status === 400);
    expect(((await loser?.json()) as WireError).error.data.reason).toBe('LINK_INVALID');
    const again = await post(api, 'auth.resetPassword', { token, newPassword: 'yet another new passphrase' });
    expect(((await again.json()) as WireError).error.data).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'LINK_INVALID',
    });
  });

  it('only the newest link works, and none after PASSWORD_RESET_TTL (30 minutes)', async () => {
    const user = await verifiedUser();
    const older = await resetLink(user);
    const newer = await resetLink(user);
    const stale = await post(api, 'auth.resetPassword', { token: older, newPassword: NEW_PASSWORD });
    expect(((await stale.json()) as WireError).error.data.reason).toBe('LINK_INVALID');
    api.clock.advance(30 * 60);
    try {
      const expired = await post(api, 'auth.resetPassword', { token: newer, newPassword: NEW_PASSWORD });
      expect(((await expired.json()) as WireError).error.data.reason).toBe('LINK_INVALID');
    } finally {
      api.clock.advance(-30 * 60);
    }
    expect((await post(api, 'auth.login', { username: user.username, password: GOOD_PASSWORD })).status).toBe(
      200,
    );
  });

  it('applies the password policy and keeps the link usable after a refusal', async () => {
    const user = await verifiedUser();
    const token = await resetLink(user);
    const weak = await post(api, 'auth.resetPassword', { token, newPassword: 'password' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as WireError).error.data.zodError?.fieldErrors.newPassword).toHaveLength(1);
    const named = await post(api, 'auth.resetPassword', { token, newPassword: `${user.username} forever` });
    expect(named.status).toBe(400);
    expect((await post(api, 'auth.resetPassword', { token, newPassword: NEW_PASSWORD })).status).toBe(200);
  });

  it('refuses malformed tokens and unknown ones alike, without a 500', async () => {
    for (const token of ['', 'lke_short', `lke_${'A'.repeat(43)}`, '\u0000', 'x'.repeat(300)]) {
      const answer = await post(api, 'auth.resetPassword', { token, newPassword: NEW_PASSWORD });
      expect(answer.status, token).toBe(400);
    }
  });

  it('writes no token, address or password into any log line', async () => {
    const user = await verifiedUser();
    const token = await resetLink(user);
    await post(api, 'auth.resetPassword', { token, newPassword: NEW_PASSWORD });
    await mailQueue(api).idle();
    expect(log.text).not.toContain(token);
    expect(log.text).not.toContain(token.slice(4));
    expect(log.text).not.toContain(user.email);
    expect(log.text).not.toContain(NEW_PASSWORD);
  });
});

describe('no enumeration', () => {
  it('answers every identifier alike and does the same work before answering; only a verified address gets mail', async () => {
    const engine = countingArgon2Engine();
    const held: (() => void)[] = [];
    const server = await startTestMailServer();
    const probe = await startTestApi({
      env: { MAIL_URL: server.url, PUBLIC_WEB_URL },
      passwords: createPasswordHasher({ engine }),
      mailSchedule: (run) => held.push(run),
    });
    try {
      const queue = mailQueue(probe);
      const release = async (): Promise<void> => {
        for (let run = held.shift(); run !== undefined; run = held.shift()) run();
        await queue.idle();
      };
      const verified = await verifiedUserHeld(probe, server, release);
      const unverifiedName = uniqueUsername('unverified');
      await probe.client().auth.signup.mutate({
        username: unverifiedName,
        password: GOOD_PASSWORD,
        email: `${unverifiedName}@example.com`,
      });
      const noEmail = uniqueUsername('noemail');
      await probe.client().auth.signup.mutate({ username: noEmail, password: GOOD_PASSWORD });
      const disabled = await verifiedUserHeld(probe, server, release);
      await probe.repositories.users.disable(disabled.session.user.id, {
        now: probe.clock.now(),
        reason: 'user-disabled',
      });
      await release();
      // The per-address counter row exists from here on; every probe below then adds its identifier's row.
      await requestReset(uniqueUsername('warm-up'), {}, probe);
      await release();
      const mailsBefore = server.received.length;

      const calls = recordRepositoryCalls(probe.server.app);
      const identifiers = [
        verified.username,
        verified.email.toUpperCase(),
        unverifiedName,
        `${unverifiedName}@example.com`,
        noEmail,
        disabled.username,
        uniqueUsername('nobody'),
        'nobody-at-all@example.com',
      ];
      const shapes: unknown[] = [];
      for (const identifier of identifiers) {
        calls.reset();
        engine.reset();
        const limitRows = await rateLimitRowCount(probe);
        const answer = await requestReset(identifier, {}, probe);
        shapes.push({
          status: answer.status,
          body: await answer.text(),
          repositoryCalls: [...calls.calls],
          argon2: engine.calls.length,
          queued: held.length,
          newLimitRows: (await rateLimitRowCount(probe)) - limitRows,
        });
        // The rest happens after the answer: let it run before the next probe.
        await release();
      }
      // One shape for all: the same answer, no repository call and no argon2 before it, one queued task, two
      // new limit counter (the identifier's; the address's already exists).
      expect(shapes[0]).toEqual({
        status: 200,
        body: '{"result":{"data":{"ok":true}}}',
        repositoryCalls: [],
        argon2: 0,
        queued: 1,
        newLimitRows: 1,
      });
      for (const shape of shapes.slice(1)) expect(shape).toEqual(shapes[0]);
      // Afterwards, off the request path: a link went to the verified, enabled account only (named twice).
      expect(server.received.slice(mailsBefore).map((message) => message.to)).toEqual([
        verified.email,
        verified.email,
      ]);
    } finally {
      await probe.close();
      await server.close();
    }
  });

  it('the queued work is one statement for any identifier, and mail goes only to a verified, enabled account', async () => {
    const user = await verifiedUser();
    const unverified = uniqueUsername('unverified');
    const unverifiedEmail = `${unverified}@example.com`;
    await api
      .client()
      .auth.signup.mutate({ username: unverified, password: GOOD_PASSWORD, email: unverifiedEmail });
    await mail.next(unverifiedEmail);
    await mailQueue(api).idle();
    const calls = recordRepositoryCalls(api.server.app);
    try {
      const before = mail.received.length;
      await requestReset(unverified);
      await requestReset(unverifiedEmail);
      await requestReset('nobody-at-all@example.com');
      await mailQueue(api).idle();
      expect(calls.calls).toEqual([
        'emailTokens.issuePasswordReset',
        'audit.record',
        'emailTokens.issuePasswordReset',
        'audit.record',
        'emailTokens.issuePasswordReset',
        'audit.record',
      ]);
      expect(mail.received.length).toBe(before);
      calls.reset();
      const mailsToUser = mail.to(user.email).length;
      await requestReset(user.email);
      await mail.next(user.email, { after: mailsToUser });
    } finally {
      await mailQueue(api).idle();
    }
    expect(calls.calls.slice(0, 2)).toEqual(['emailTokens.issuePasswordReset', 'audit.record']);
  });
});

async function rateLimitRowCount(testApi: TestApi): Promise<number> {
  return testApi.database.orm.$count(rateLimits);
}

/** verifiedUser for an instance whose mail queue the test holds: released to deliver the link. */
async function verifiedUserHeld(testApi: TestApi, server: TestMailServer, release: () => Promise<void>) {
  const username = uniqueUsername('held');
  const email = `${username.toLowerCase()}@example.com`;
  const session = await testApi.client().auth.signup.mutate({ username, password: GOOD_PASSWORD, email });
  await release();
  const verification = await server.next(email);
  await testApi.client().auth.verifyEmail.mutate({ token: tokenOf(verification, 'verify-email') });
  return { username, email, session };
}

describe('a mail server that refuses or hangs', () => {
  let testApi: TestApi | null = null;
  let server: TestMailServer | null = null;
  afterEach(async () => {
    await testApi?.close();
    await server?.close();
    testApi = null;
    server = null;
  });

  for (const behaviour of ['refuse', 'hang'] as const) {
    it(`${behaviour}: the caller gets the same answer and no token row is left`, async () => {
      server = await startTestMailServer({ behaviour });
      testApi = await startTestApi({
        env: { MAIL_URL: server.url, PUBLIC_WEB_URL, MAIL_TIMEOUT_SECONDS: '1' },
      });
      const username = uniqueUsername(behaviour);
      const signup = await post(testApi, 'auth.signup', {
        username,
        password: GOOD_PASSWORD,
        email: `${username}@example.com`,
      });
      expect(signup.status).toBe(200);
      // A verified address, set directly: this server never delivers the link.
      const user = await testApi.repositories.users.findByUsername(username);
      await mailQueue(testApi).idle();
      expect(await tokenRowCount(testApi)).toBe(0);
      const hash = 'f'.repeat(64);
      await testApi.repositories.emailTokens.issueVerification({
        userId: user!.id,
        email: `${username}@example.com`,
        tokenHash: hash,
        now: testApi.clock.now(),
        ttlSeconds: 60,
      });
      await testApi.repositories.users.verifyEmail({ tokenHash: hash, now: testApi.clock.now() });
      const answer = await requestReset(username, {}, testApi);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('{"result":{"data":{"ok":true}}}');
      await mailQueue(testApi).idle();
      expect(await tokenRowCount(testApi)).toBe(0);
    });
  }
});

describe('rate limits', () => {
  it('limits requests per target (known or not alike) and per address, with Retry-After', async () => {
    const server = await startTestMailServer();
    const limited = await startTestApi({
      env: {
        MAIL_URL: server.url,
        PUBLIC_WEB_URL,
        RATE_LIMIT_RECOVERY_PER_ACCOUNT: '2/1h',
        RATE_LIMIT_RECOVERY_PER_ADDRESS: '5/1h',
      },
    });
    try {
      const target = uniqueUsername('nobody');
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1)
        statuses.push((await requestReset(target, {}, limited)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const third = await requestReset(target, {}, limited);
      const body = (await third.json()) as WireError;
      expect(body.error.data.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(third.headers.get('retry-after'))).toBe(body.error.data.retryAfter);
      expect(body.error.data.retryAfter).toBeGreaterThan(3000);
      // The address has spent four of its five (the refused calls count too): one more target, then no more.
      expect((await requestReset(uniqueUsername('a'), {}, limited)).status).toBe(200);
      expect((await requestReset(uniqueUsername('b'), {}, limited)).status).toBe(429);
    } finally {
      await limited.close();
      await server.close();
    }
  });
});
