// Password reset by an emailed link. The request answers the same, and does the same work before answering,
// whether or not the account exists, has a verified address or is enabled: it counts the rate limits (keyed by
// what the caller typed), makes a token and queues a task. The task, off the request path, runs the one
// statement that stores the token only for an account that can receive it (emailTokens.issuePasswordReset),
// and mails it if so. So neither the body, nor the time to answer, nor the mail server's latency or failure
// tells a stranger which names and addresses have accounts (OWASP Forgot Password Cheat Sheet).
import { generateEmailLinkToken, hashEmailLinkToken, isWellFormedEmailLinkToken } from '@latchkey/auth';
import type { ResetTarget } from '@latchkey/db';
import type { App } from '../app.js';
import { ApiError } from '../errors.js';
import { emailLink, passwordChangedMessage, passwordResetMessage } from '../mail/account-messages.js';
import { recordAudit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { recoveryOf } from './email-verification.js';
import { assertPasswordAllowed } from './password-rules.js';

/** `revoked_reason` of the sessions a reset ends (the sessions page shows why a session ended). */
export const PASSWORD_RESET_REVOCATION_REASON = 'password-reset';

/** A username, or (containing `@`, which no username may) an address already normalised by the input schema. */
export function resetTarget(identifier: string): ResetTarget {
  return identifier.includes('@') ? { email: identifier } : { username: identifier };
}

/** Always `{ ok: true }` (or RATE_LIMITED, counted the same for every identifier). */
export async function requestPasswordReset(
  app: App,
  input: { identifier: string },
  client: ClientInfo,
): Promise<{ ok: true }> {
  const { mailer, recovery } = recoveryOf(app);
  await app.rateLimits.consumeRecovery({ clientAddress: client.clientAddress, target: input.identifier });
  const { token, hash } = generateEmailLinkToken();
  const target = resetTarget(input.identifier);
  mailer.queue.enqueue({
    kind: 'reset-password',
    async prepare() {
      const now = app.config.now();
      const recipient = await app.repositories.emailTokens.issuePasswordReset({
        target,
        tokenHash: hash,
        now,
        ttlSeconds: recovery.passwordResetTtlSeconds,
      });
      await recordAudit(app, {
        type: 'password.reset-requested',
        userId: recipient?.userId ?? null,
        client,
        detail: { sent: recipient !== null },
      });
      if (recipient === null) return null;
      const user = await app.repositories.users.findById(recipient.userId);
      return passwordResetMessage({
        to: recipient.email,
        username: user?.username ?? '',
        link: emailLink(recovery.publicWebUrl, 'reset-password', token),
        ttlSeconds: recovery.passwordResetTtlSeconds,
      });
    },
    onUndelivered: () => app.repositories.emailTokens.withdraw(hash),
  });
  return { ok: true };
}

/**
 * Sets a new password with a reset link's token: the policy applies, every session of the account is revoked
 * at once on every instance (the refresh tokens die with their sessions, the access tokens through the
 * revocation set), and the address is told. The token works once: two resets racing with it, one wins.
 */
export async function resetPassword(
  app: App,
  input: { token: string; newPassword: string },
  client: ClientInfo,
): Promise<{ ok: true }> {
  const { mailer } = recoveryOf(app);
  if (!isWellFormedEmailLinkToken(input.token)) throw new ApiError('EMAIL_LINK_INVALID');
  const tokenHash = hashEmailLinkToken(input.token);
  // Read first (without using it) for the username the policy checks against, and so that a stale link costs
  // no argon2 work; the conditional delete in users.resetPassword is what makes it single-use.
  const live = await app.repositories.emailTokens.findLive({
    tokenHash,
    purpose: 'reset-password',
    now: app.config.now(),
  });
  if (live === null) throw new ApiError('EMAIL_LINK_INVALID');
  const owner = await app.repositories.users.findById(live.userId);
  if (owner === null) throw new ApiError('EMAIL_LINK_INVALID');
  assertPasswordAllowed(input.newPassword, { username: owner.username, field: 'newPassword' });
  const newHash = await app.passwords.hash(input.newPassword);
  const now = app.config.now();
  const reset = await app.repositories.users.resetPassword({
    tokenHash,
    newHash,
    now,
    reason: PASSWORD_RESET_REVOCATION_REASON,
  });
  if (reset === null) throw new ApiError('EMAIL_LINK_INVALID');
  await app.revocations.announce(reset.revokedSessionIds, now);
  await recordAudit(app, {
    type: 'password.reset',
    userId: reset.user.id,
    client,
    detail: { revokedSessions: reset.revokedSessionIds.length },
  });
  const to = reset.user.email;
  if (to !== null) {
    const notice = passwordChangedMessage({ to, username: reset.user.username });
    mailer.queue.enqueue({ kind: 'password-changed', prepare: () => Promise.resolve(notice) });
  }
  return { ok: true };
}
