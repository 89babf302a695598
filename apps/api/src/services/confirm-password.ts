// The caller's own password, asked again before a sensitive call (changePassword, deleteAccount).
import type { VerifiedAccessToken } from '@latchkey/auth';
import type { User } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import type { ClientInfo } from './client-info.js';

/**
 * The caller's account when `password` is its password; CREDENTIALS otherwise, SESSION_REVOKED when the
 * account is gone. Counted like an untrusted login attempt, so a stolen access token does not become an
 * unlimited password oracle.
 */
export async function confirmCallerPassword(
  app: App,
  token: VerifiedAccessToken,
  password: string,
  client: ClientInfo,
): Promise<User> {
  const user = await app.repositories.users.findById(token.userId);
  if (user === null) throw new ApiError('SESSION_REVOKED');
  await app.rateLimits.consumeLogin({
    username: user.username,
    clientAddress: client.clientAddress,
    deviceToken: null,
  });
  if (!(await app.passwords.verify(user.passwordHash, password))) throw new ApiError('CREDENTIALS');
  return user;
}
