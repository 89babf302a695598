// The mail of one API instance: the transport the configuration names (SMTP, or the development outbox when
// no MAIL_URL is set outside production) behind the queue that sends off the request path.
import type { Logger } from 'pino';
import type { RecoveryConfig } from '../config.js';
import { createDevOutbox, type DevOutbox } from './dev-outbox.js';
import { createMailQueue, type MailQueue } from './mail-queue.js';
import type { MailTransport } from './mail-transport.js';
import { createSmtpTransport } from './smtp-transport.js';

export interface Mailer {
  queue: MailQueue;
  /** The development outbox, or null when mail goes to an SMTP server. */
  outbox: DevOutbox | null;
  /** Waits for the queued mail (bounded by the transport's timeouts), then closes the transport. */
  close(): Promise<void>;
}

export function createMailer(options: {
  recovery: RecoveryConfig;
  logger: Logger;
  now: () => Date;
  schedule?: (run: () => void) => void;
}): Mailer {
  const { recovery, logger } = options;
  const { transport, outbox } = transportFor(recovery, options.now);
  const queue = createMailQueue({
    transport,
    logger,
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
  });
  return {
    queue,
    outbox,
    async close() {
      await queue.idle();
      await transport.close();
    },
  };
}

function transportFor(
  recovery: RecoveryConfig,
  now: () => Date,
): { transport: MailTransport; outbox: DevOutbox | null } {
  const { mail } = recovery;
  if (mail.kind === 'smtp') {
    const transport = createSmtpTransport({
      url: mail.url,
      from: recovery.from,
      timeoutSeconds: mail.timeoutSeconds,
    });
    return { transport, outbox: null };
  }
  const outbox = createDevOutbox({ now });
  return { transport: outbox, outbox };
}
