// The stored hash moved between checking a password and writing over it: by a real change (or a disable), or
// by another login upgrading the same password to new argon2 parameters. Only a fresh check tells them apart.
import type { User } from '@latchkey/db';
import type { App } from '../app.js';

/**
 * Re-reads the account and checks `password` against the hash stored now. The account when it is not
 * disabled, its hash is no longer `staleHash` and the password matches it (the move was an upgrade of the
 * same password); null otherwise (the password changed, the account was disabled or is gone).
 */
export async function reverifyPassword(
  app: App,
  input: { userId: string; password: string; staleHash: string },
): Promise<User | null> {
  const user = await app.repositories.users.findById(input.userId);
  // Gone (no row) or disabled; or the hash did not move, so the refusal was not about the hash.
  if (user?.disabledAt !== null || user.passwordHash === input.staleHash) return null;
  return (await app.passwords.verify(user.passwordHash, input.password)) ? user : null;
}
