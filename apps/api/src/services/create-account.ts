import type { User, UserRole } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { assertPasswordAllowed } from './password-rules.js';

/**
 * Checks the password against the policy, hashes it and inserts the account; USERNAME_TAKEN when the name (in
 * any letter case) exists. Signup and the CLI's `user create` both come through here, so neither can skip the
 * policy; each records its own audit event.
 */
export async function createAccount(
  app: App,
  input: { username: string; password: string; role: UserRole },
): Promise<User> {
  assertPasswordAllowed(input.password, { username: input.username, field: 'password' });
  const passwordHash = await app.passwords.hash(input.password);
  const user = await app.repositories.users.insert({
    username: input.username,
    passwordHash,
    role: input.role,
  });
  if (user === null) throw new ApiError('USERNAME_TAKEN');
  return user;
}
