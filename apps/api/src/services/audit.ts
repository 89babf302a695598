// Every auth event is written to the audit table (ASVS 5.0 16.3.1, as SECURITY.md lists). The types are a closed
// union so a typo is a compile error, and `detail` never carries a token, password or cookie.
import type { App } from '../app.js';
import type { ClientInfo } from './client-info.js';

export type AuditEventType =
  | 'signup'
  | 'login.ok'
  | 'login.failed'
  | 'refresh'
  | 'refresh.reuse'
  | 'logout'
  | 'logout.all'
  | 'password.changed'
  | 'session.revoked'
  | 'user.disabled'
  /** An admin let a disabled account log in again. */
  | 'user.enabled'
  /** An admin ended one session of another user. */
  | 'session.revoked.by-admin'
  /** The user deleted their own account; the events before it keep its id (SECURITY.md, "The account's life"). */
  | 'account.deleted'
  | 'role.changed'
  /** An operator created an account with the CLI (signup is the API's own way). */
  | 'user.created'
  /** An operator minted a development access token with the CLI (it starts a session). */
  | 'token.minted'
  /** A verification link was mailed (signup or change with an address); detail has no address. */
  | 'email.verification-sent'
  /** A verification link was followed: the address is the account's now (detail `changed`: it replaced one). */
  | 'email.verified'
  /** Someone asked for a reset link for this account (userId null: no account, or none with a verified address). */
  | 'password.reset-requested'
  /** A reset link was used: the password is new and every session was revoked. */
  | 'password.reset';

/** Who did an administrative act: an admin through the API, or an operator through the CLI. */
export type AuditActor = { userId: string } | { operator: 'cli' };

/** The actor as the audit detail's `by`: the admin's user id, or `cli`. */
export function auditActor(actor: AuditActor): string {
  return 'userId' in actor ? actor.userId : actor.operator;
}

export async function recordAudit(
  app: App,
  event: {
    type: AuditEventType;
    userId: string | null;
    sessionId?: string | null;
    client: ClientInfo | null;
    detail?: Record<string, string | number | boolean | null>;
  },
): Promise<void> {
  await app.repositories.audit.record({
    type: event.type,
    userId: event.userId,
    sessionId: event.sessionId ?? null,
    ip: event.client?.clientAddress ?? null,
    userAgent: event.client?.userAgent ?? null,
    detail: event.detail ?? null,
    now: app.config.now(),
  });
}
