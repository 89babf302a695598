import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import type { ClientInfo } from './client-info.js';
import { createAccount } from './create-account.js';
import { recoveryOf, sendVerification } from './email-verification.js';
import { startSession, type IssuedSession } from './session.js';

/**
 * Creates an account (role `user`, always) and logs it in. With an address, a verification link is mailed to
 * it; the account holds the address only once the link is followed.
 */
export async function signup(
  app: App,
  input: { username: string; password: string; email?: string | undefined },
  client: ClientInfo,
): Promise<IssuedSession> {
  // Refused before anything is written when this server has no mail.
  if (input.email !== undefined) recoveryOf(app);
  await app.rateLimits.consumeSignup(client.clientAddress);
  const user = await createAccount(app, { username: input.username, password: input.password, role: 'user' });
  const session = await startSession(app, user, client, { type: 'signup' });
  // Only an admin disabling the account in the instant since its creation gets here.
  if (session === null) throw new ApiError('SESSION_REVOKED');
  if (input.email !== undefined) await sendVerification(app, { user, email: input.email }, client);
  return session;
}
