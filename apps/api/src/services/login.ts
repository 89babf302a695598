import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { startSession, type IssuedSession } from './session.js';

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
  if (app.passwords.needsRehash(user.passwordHash)) {
    // Same password, stronger parameters: passwordChangedAt stays, no session is revoked.
    await app.repositories.users.updatePasswordHash(user.id, await app.passwords.hash(input.password));
  }
  await app.rateLimits.clearLogin(attempt);
  const session = await startSession(app, user, client);
  await recordAudit(app, { type: 'login.ok', userId: user.id, sessionId: session.sessionId, client });
  return session;
}
