// Development mail without a mail server: messages are kept in memory (the newest first, a bounded number)
// and shown by `dev.mailbox` and the web app's development mailbox page. Never written to a log: the link
// tokens in them are secrets even in development. There is no outbox in production (config.ts).
import type { MailMessage } from './mail-message.js';
import type { MailTransport } from './mail-transport.js';

/** Enough for a development session; the oldest are dropped beyond it. */
export const DEV_OUTBOX_CAPACITY = 100;

export interface OutboxMessage extends MailMessage {
  id: number;
  sentAt: Date;
}

export interface DevOutbox extends MailTransport {
  /** Newest first. */
  messages(): readonly OutboxMessage[];
}

export function createDevOutbox(options: { now: () => Date }): DevOutbox {
  const kept: OutboxMessage[] = [];
  let nextId = 1;
  return {
    send(message) {
      kept.unshift({ ...message, id: nextId, sentAt: options.now() });
      nextId += 1;
      kept.length = Math.min(kept.length, DEV_OUTBOX_CAPACITY);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    messages: () => kept,
  };
}
