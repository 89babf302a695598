// Email addresses: a signup or a change with an address mails a verification link; following it stores the
// address on the account (users.email holds only proven addresses, so an unproven one never receives a reset
// link and never blocks its real owner). A change replaces the old address only then, and the old address
// is told.
import {
  generateEmailLinkToken,
  hashEmailLinkToken,
  isWellFormedEmailLinkToken,
  type VerifiedAccessToken,
} from '@latchkey/auth';
import type { User } from '@latchkey/db';
import type { App } from '../app.js';
import type { RecoveryConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { emailChangedMessage, emailLink, verificationMessage } from '../mail/account-messages.js';
import type { Mailer } from '../mail/mailer.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';

/** The mail of a server with account recovery on; RECOVERY_DISABLED otherwise. */
export function recoveryOf(app: App): { mailer: Mailer; recovery: RecoveryConfig } {
  if (app.mailer === null || app.config.recovery === null) throw new ApiError('RECOVERY_DISABLED');
  return { mailer: app.mailer, recovery: app.config.recovery };
}

/** What `auth.email` answers: the proven address, and the one waiting for its link to be followed. */
export interface EmailStatus {
  email: string | null;
  verifiedAt: string | null;
  pending: { email: string; expiresAt: string } | null;
}

/**
 * Stores a verification token for `email` (replacing the user's earlier one) and queues its mail. Whether
 * another account already proved the address is not said here (that would tell anyone which addresses have
 * accounts); following the link says so, to the one who reads that mailbox.
 */
export async function sendVerification(
  app: App,
  input: { user: User; email: string },
  client: ClientInfo,
): Promise<void> {
  const { mailer, recovery } = recoveryOf(app);
  const { token, hash } = generateEmailLinkToken();
  await app.repositories.emailTokens.issueVerification({
    userId: input.user.id,
    email: input.email,
    tokenHash: hash,
    now: app.config.now(),
    ttlSeconds: recovery.emailVerificationTtlSeconds,
  });
  const message = verificationMessage({
    to: input.email,
    username: input.user.username,
    link: emailLink(recovery.publicWebUrl, 'verify-email', token),
    ttlSeconds: recovery.emailVerificationTtlSeconds,
  });
  mailer.queue.enqueue({
    kind: 'verify-email',
    prepare: () => Promise.resolve(message),
    onUndelivered: () => app.repositories.emailTokens.withdraw(hash),
  });
  await recordAudit(app, { type: 'email.verification-sent', userId: input.user.id, client });
}

/** Starts a change of address (fresh login): the new one is mailed a link and replaces the old only then. */
export async function changeEmail(
  app: App,
  token: VerifiedAccessToken,
  input: { email: string },
  client: ClientInfo,
): Promise<{ pending: string }> {
  recoveryOf(app);
  // Every call mails the address it names: counted per caller and per address, against mail bombing.
  await app.rateLimits.consumeRecovery({ clientAddress: client.clientAddress, target: input.email });
  const user = await app.repositories.users.findById(token.userId);
  if (user === null) throw new ApiError('SESSION_REVOKED');
  await sendVerification(app, { user, email: input.email }, client);
  return { pending: input.email };
}

/** Follows a verification link: the address becomes the account's; a replaced address is told. */
export async function verifyEmail(
  app: App,
  input: { token: string },
  client: ClientInfo,
): Promise<{ email: string }> {
  const { mailer } = recoveryOf(app);
  if (!isWellFormedEmailLinkToken(input.token)) throw new ApiError('EMAIL_LINK_INVALID');
  const result = await app.repositories.users.verifyEmail({
    tokenHash: hashEmailLinkToken(input.token),
    now: app.config.now(),
  });
  if (result.status === 'invalid') throw new ApiError('EMAIL_LINK_INVALID');
  if (result.status === 'taken') throw new ApiError('EMAIL_TAKEN');
  const { user, previousEmail } = result;
  const email = user.email ?? '';
  const changed = previousEmail !== null && previousEmail !== email;
  await recordAudit(app, { type: 'email.verified', userId: user.id, client, detail: { changed } });
  if (changed) {
    const notice = emailChangedMessage({ to: previousEmail, username: user.username, newAddress: email });
    mailer.queue.enqueue({ kind: 'email-changed', prepare: () => Promise.resolve(notice) });
  }
  return { email };
}

export async function emailStatus(app: App, userId: string): Promise<EmailStatus> {
  const user = await app.repositories.users.findById(userId);
  if (user === null) throw new ApiError('SESSION_REVOKED');
  const pending = await app.repositories.emailTokens.pendingVerification(userId, app.config.now());
  return {
    email: user.email,
    verifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
    pending: pending === null ? null : { email: pending.email, expiresAt: pending.expiresAt.toISOString() },
  };
}
