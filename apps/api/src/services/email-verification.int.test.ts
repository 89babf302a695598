// Email addresses over real HTTP with a real SMTP server: a signup or a change mails a link, following it
// stores the address, a change needs a fresh login and replaces the old address only once the new one is
// proven (the old one is told), one address belongs to one account (any letter case), and a server without
// recovery refuses before writing anything. Also the development mailbox, which only an outbox has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  post,
  startTestApi,
  uniqueUsername,
  type TestApi,
  type WireError,
} from '../testing/test-api.js';
import { startTestMailServer, type ReceivedMail, type TestMailServer } from '../testing/test-mail-server.js';

const PUBLIC_WEB_URL = 'https://app.example.test';

let mail: TestMailServer;
let api: TestApi;
beforeAll(async () => {
  mail = await startTestMailServer();
  api = await startTestApi({ env: { MAIL_URL: mail.url, PUBLIC_WEB_URL } });
});
afterAll(async () => {
  await api.close();
  await mail.close();
});

function tokenOf(message: ReceivedMail): string {
  const link = message.links.find((url) => url.startsWith(`${PUBLIC_WEB_URL}/verify-email#token=`));
  if (link === undefined) throw new Error('no verification link in the message');
  return decodeURIComponent(new URL(link).hash.slice('#token='.length));
}

async function signupWithEmail(email?: string) {
  const username = uniqueUsername('mail');
  const address = email ?? `${username.toLowerCase()}@example.com`;
  const session = await api
    .client()
    .auth.signup.mutate({ username, password: GOOD_PASSWORD, email: address });
  return { username, email: address.trim().toLowerCase(), session, accessToken: session.accessToken };
}

describe('verification', () => {
  it('a signup with an address mails a link; the address is the account’s only once it is followed', async () => {
    const user = await signupWithEmail();
    const me = api.client(user.accessToken);
    const message = await mail.next(user.email);
    expect(message.subject).toBe('Latchkey: confirm your email address');
    expect(await me.auth.email.query()).toEqual({
      email: null,
      verifiedAt: null,
      pending: { email: user.email, expiresAt: expect.any(String) as string },
    });
    expect(await api.client().auth.verifyEmail.mutate({ token: tokenOf(message) })).toEqual({
      email: user.email,
    });
    expect(await me.auth.email.query()).toMatchObject({ email: user.email, pending: null });
    const again = await post(api, 'auth.verifyEmail', { token: tokenOf(message) });
    expect(((await again.json()) as WireError).error.data).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'LINK_INVALID',
    });
  });

  it('normalises the address once: trimmed and lower-cased, so Ada@Example.COM is ada@example.com', async () => {
    const name = uniqueUsername('case').toLowerCase();
    const user = await signupWithEmail(`  ${name.toUpperCase()}@Example.COM `);
    expect(user.email).toBe(`${name}@example.com`);
    const message = await mail.next(`${name}@example.com`);
    await api.client().auth.verifyEmail.mutate({ token: tokenOf(message) });
    expect((await api.client(user.accessToken).auth.email.query()).email).toBe(`${name}@example.com`);
  });

  it('refuses what is not an address, and text PostgreSQL cannot store, with a 400 naming the field', async () => {
    for (const email of [
      'not-an-address',
      'a@b',
      'ada@exa mple.com',
      'ада@example.com',
      'a\u0000@example.com',
      `${'a'.repeat(250)}@example.com`,
    ]) {
      const answer = await post(api, 'auth.signup', {
        username: uniqueUsername(),
        password: GOOD_PASSWORD,
        email,
      });
      expect(answer.status, email).toBe(400);
      expect(
        ((await answer.json()) as WireError).error.data.zodError?.fieldErrors.email,
        email,
      ).toBeDefined();
    }
  });

  it('an address another account proved is refused when the link is followed, not before (no enumeration)', async () => {
    const first = await signupWithEmail();
    await api.client().auth.verifyEmail.mutate({ token: tokenOf(await mail.next(first.email)) });
    const before = mail.to(first.email).length;
    const second = await post(api, 'auth.signup', {
      username: uniqueUsername(),
      password: GOOD_PASSWORD,
      email: first.email.toUpperCase(),
    });
    expect(second.status).toBe(200);
    const claim = await post(api, 'auth.verifyEmail', {
      token: tokenOf(await mail.next(first.email, { after: before })),
    });
    expect(claim.status).toBe(409);
    expect(((await claim.json()) as WireError).error.data.code).toBe('CONFLICT');
  });
});

describe('changing the address', () => {
  async function verified() {
    const user = await signupWithEmail();
    await api.client().auth.verifyEmail.mutate({ token: tokenOf(await mail.next(user.email)) });
    return user;
  }

  it('needs a fresh login', async () => {
    const user = await verified();
    api.clock.advance(301);
    try {
      const answer = await post(
        api,
        'auth.changeEmail',
        { email: 'late@example.com' },
        { authorization: `Bearer ${user.accessToken}` },
      );
      expect(((await answer.json()) as WireError).error.data.reason).toBe('FRESH_LOGIN_REQUIRED');
    } finally {
      api.clock.advance(-301);
    }
  });

  it('keeps the old address until the new one is proven, then tells the old one', async () => {
    const user = await verified();
    const newAddress = `new-${user.email}`;
    const me = api.client(user.accessToken);
    expect(await me.auth.changeEmail.mutate({ email: newAddress })).toEqual({ pending: newAddress });
    expect(await me.auth.email.query()).toMatchObject({ email: user.email, pending: { email: newAddress } });
    // A reset link still goes to the proven address, never to the unproven one.
    const oldBefore = mail.to(user.email).length;
    await post(api, 'auth.requestPasswordReset', { identifier: user.username });
    expect((await mail.next(user.email, { after: oldBefore })).subject).toBe('Latchkey: reset your password');
    expect(mail.to(newAddress).map((message) => message.subject)).toEqual([
      'Latchkey: confirm your email address',
    ]);

    const noticeBefore = mail.to(user.email).length;
    await api.client().auth.verifyEmail.mutate({ token: tokenOf(await mail.next(newAddress)) });
    expect(await me.auth.email.query()).toMatchObject({ email: newAddress, pending: null });
    const notice = await mail.next(user.email, { after: noticeBefore });
    expect(notice.subject).toBe('Latchkey: your email address was changed');
    expect(notice.text).toContain(newAddress);
    // The reset link mailed to the old address is dead now: it was for an address the account no longer has.
    const oldReset = mail
      .to(user.email)
      .find((message) => message.subject === 'Latchkey: reset your password')
      ?.links.find((link) => link.includes('/reset-password#token='));
    const token = decodeURIComponent(new URL(oldReset ?? 'http://x/#token=').hash.slice('#token='.length));
    const stale = await post(api, 'auth.resetPassword', {
      token,
      newPassword: 'a completely new passphrase',
    });
    expect(((await stale.json()) as WireError).error.data.reason).toBe('LINK_INVALID');
  });
});

describe('without recovery or a mail server', () => {
  it('ACCOUNT_RECOVERY=0 refuses every email procedure with PRECONDITION_FAILED before writing anything', async () => {
    const off = await startTestApi({ env: { ACCOUNT_RECOVERY: '0' } });
    try {
      const username = uniqueUsername('off');
      const signup = await post(off, 'auth.signup', {
        username,
        password: GOOD_PASSWORD,
        email: `${username}@example.com`,
      });
      expect(((await signup.json()) as WireError).error.data).toMatchObject({
        code: 'PRECONDITION_FAILED',
        reason: 'RECOVERY_DISABLED',
      });
      expect(await off.repositories.users.findByUsername(username)).toBeNull();
      for (const [procedure, input] of [
        ['auth.requestPasswordReset', { identifier: username }],
        ['auth.resetPassword', { token: `lke_${'A'.repeat(43)}`, newPassword: GOOD_PASSWORD }],
        ['auth.verifyEmail', { token: `lke_${'A'.repeat(43)}` }],
      ] as const) {
        const answer = await post(off, procedure, input);
        expect(answer.status, procedure).toBe(412);
      }
      expect((await off.client().auth.settings.query()).accountRecovery).toBe(false);
      // A signup without an address is the username flow as before.
      expect((await post(off, 'auth.signup', { username, password: GOOD_PASSWORD })).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('without MAIL_URL outside production, mail goes to the outbox that dev.mailbox shows', async () => {
    const dev = await startTestApi({ env: { PUBLIC_WEB_URL: 'http://localhost:5173' } });
    try {
      const username = uniqueUsername('dev');
      await dev
        .client()
        .auth.signup.mutate({ username, password: GOOD_PASSWORD, email: `${username}@example.com` });
      await dev.server.app.mailer?.queue.idle();
      const [message] = await dev.client().dev.mailbox.query();
      expect(message).toMatchObject({
        to: `${username}@example.com`,
        subject: 'Latchkey: confirm your email address',
      });
      expect(message?.text).toContain('http://localhost:5173/verify-email#token=lke_');
    } finally {
      await dev.close();
    }
  });

  it('dev.mailbox does not exist with a mail server, nor in production', async () => {
    const production = await startTestApi({ env: { NODE_ENV: 'production' } });
    try {
      for (const testApi of [api, production]) {
        const answer = await fetch(`${testApi.trpcUrl}/dev.mailbox`);
        expect(answer.status).toBe(404);
      }
    } finally {
      await production.close();
    }
  });
});
