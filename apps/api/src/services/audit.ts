// Every auth event is written to the audit table (DESIGN.md, Passwords and accounts). The types are a closed
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
  | 'role.changed';

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
