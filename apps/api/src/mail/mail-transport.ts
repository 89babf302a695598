import type { MailMessage } from './mail-message.js';

/** Where messages go: an SMTP server (smtp-transport.ts) or the development outbox (dev-outbox.ts). */
export interface MailTransport {
  /** Resolves once the message is handed over; rejects when it was refused or timed out. */
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
