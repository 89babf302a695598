import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import type { ClientInfo } from './client-info.js';
import { createAccount } from './create-account.js';
import { startSession, type IssuedSession } from './session.js';

/** Creates an account (role `user`, always) and logs it in. */
export async function signup(
  app: App,
  input: { username: string; password: string },
  client: ClientInfo,
): Promise<IssuedSession> {
  await app.rateLimits.consumeSignup(client.clientAddress);
  const user = await createAccount(app, { ...input, role: 'user' });
  const session = await startSession(app, user, client, { type: 'signup' });
  // Only an admin disabling the account in the instant since its creation gets here.
  if (session === null) throw new ApiError('SESSION_REVOKED');
  return session;
}
