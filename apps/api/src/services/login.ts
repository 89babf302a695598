import type { User } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { reverifyPassword } from './reverify-password.js';
import { startSession, type IssuedSession } from './session.js';

// The first try, and one more after the stored hash moved by an upgrade of the same password elsewhere.
const SESSION_ATTEMPTS = 2;

/**
 * Password login. Unknown user, wrong password and disabled account all end in the same CREDENTIALS error,
 * and all three cost one argon2 verification (a dummy one for an unknown user), so neither the body nor the
 * timing tells an outsider which usernames exist (OWASP Authentication Cheat Sheet). A disabled account is
 * only reported as such in the audit trail: answering FORBIDDEN would confirm the password to a guesser.
 */
export async function login(
  app: App,
  input: { username: string; password: string; deviceToken?: string | null },
  client: ClientInfo,
): Promise<IssuedSession> {
  const attempt = await app.rateLimits.consumeLogin({
    username: input.username,
    clientAddress: client.clientAddress,
    deviceToken: input.deviceToken ?? null,
  });
  const user = await app.repositories.users.findByUsername(input.username);
  if (user === null) {
    await app.passwords.verifyDummy(input.password);
    await recordAudit(app, {
      type: 'login.failed',
      userId: null,
      client,
      detail: { reason: 'unknown-user' },
    });
    throw new ApiError('CREDENTIALS');
  }
  const passwordMatches = await app.passwords.verify(user.passwordHash, input.password);
  if (!passwordMatches || user.disabledAt !== null) {
    const reason = passwordMatches ? 'disabled' : 'wrong-password';
    await recordAudit(app, { type: 'login.failed', userId: user.id, client, detail: { reason } });
    throw new ApiError('CREDENTIALS');
  }
  await app.rateLimits.clearLogin(attempt);
  const session = await startCheckedSession(app, user, input.password, client);
  if (session === null) {
    // A password change or a disable committed while the password was being checked.
    const detail = { reason: 'changed-during-login' };
    await recordAudit(app, { type: 'login.failed', userId: user.id, client, detail });
    throw new ApiError('CREDENTIALS');
  }
  return session;
}

/**
 * The session of a login whose password matched `user.passwordHash`, created only while the account still has
 * that hash and is not disabled, so a change or a disable racing the login either refuses it or revokes it. An
 * old-parameter hash is upgraded first, only over the hash just checked: a change that committed meanwhile is
 * never overwritten with the old password. When the hash moved, the password is checked once more against the
 * stored one, so another login's upgrade of the same password is not taken for a change. Null: refused.
 */
async function startCheckedSession(
  app: App,
  user: User,
  password: string,
  client: ClientInfo,
): Promise<IssuedSession | null> {
  let checked = user;
  for (let attempt = 1; ; attempt += 1) {
    const current = await upgradeHash(app, checked, password);
    const session = current === null ? null : await startSession(app, current, client, { type: 'login.ok' });
    if (session !== null || attempt === SESSION_ATTEMPTS) return session;
    const reread = await reverifyPassword(app, {
      userId: user.id,
      password,
      staleHash: checked.passwordHash,
    });
    if (reread === null) return null;
    checked = reread;
  }
}

/** The user with an up-to-date hash; null when the stored hash is no longer the one checked. */
async function upgradeHash(app: App, user: User, password: string): Promise<User | null> {
  if (!app.passwords.needsRehash(user.passwordHash)) return user;
  // Same password, stronger parameters: passwordChangedAt stays, no session is revoked.
  return app.repositories.users.rehashPassword(user.id, {
    currentHash: user.passwordHash,
    newHash: await app.passwords.hash(password),
  });
}
