// Sends mail off the request path. A request only enqueues a task and answers; the task's own database work
// (looking the account up, storing a token) and the SMTP conversation run afterwards, one task at a time. So
// neither SMTP latency nor whether the account exists shows in how long the request took, and a mail server
// that refuses or hangs changes nothing in the answer. A task whose message could not be sent withdraws what
// it stored (`onUndelivered`), so no link is left live that no one received.
import type { Logger } from 'pino';
import type { MailMessage } from './mail-message.js';
import type { MailTransport } from './mail-transport.js';

/** Beyond this many waiting tasks new ones are dropped (and logged): a flood cannot grow memory without end. */
export const MAIL_QUEUE_CAPACITY = 1000;

/** What a message is, for the log line of a failure; never the address or the content. */
export type MailKind = 'verify-email' | 'reset-password' | 'password-changed' | 'email-changed';

export interface MailTask {
  kind: MailKind;
  /** Does the task's database work and builds the message; null: nothing to send. */
  prepare(): Promise<MailMessage | null>;
  /** Called when the message was refused or timed out. */
  onUndelivered?(): Promise<void>;
}

export interface MailQueue {
  /** Queues the task and returns at once. */
  enqueue(task: MailTask): void;
  /** Resolves when every task queued so far has run (tests, and shutdown). */
  idle(): Promise<void>;
}

export function createMailQueue(options: {
  transport: MailTransport;
  logger: Logger;
  /** How the worker is started after an enqueue; tests hold it to look at the request path alone. */
  schedule?: (run: () => void) => void;
}): MailQueue {
  const { transport, logger } = options;
  const schedule = options.schedule ?? ((run: () => void): void => void setImmediate(run));
  const waiting: MailTask[] = [];
  let running: Promise<void> | null = null;
  let idleWaiters: (() => void)[] = [];

  async function runTask(task: MailTask): Promise<void> {
    let message: MailMessage | null;
    try {
      message = await task.prepare();
    } catch (error) {
      logger.error({ err: error, mail: task.kind }, 'mail task failed before sending');
      return;
    }
    if (message === null) return;
    try {
      await transport.send(message);
    } catch (error) {
      // nodemailer's message can quote the recipient; the line keeps its codes only.
      const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
      logger.warn(
        {
          mail: task.kind,
          code: typeof code === 'string' ? code : null,
          responseCode: typeof responseCode === 'number' ? responseCode : null,
        },
        'mail not delivered',
      );
      try {
        await task.onUndelivered?.();
      } catch (cleanup) {
        logger.error({ err: cleanup, mail: task.kind }, 'withdrawing an undelivered mail failed');
      }
    }
  }

  async function drain(): Promise<void> {
    for (let task = waiting.shift(); task !== undefined; task = waiting.shift()) await runTask(task);
    running = null;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  return {
    enqueue(task) {
      if (waiting.length >= MAIL_QUEUE_CAPACITY) {
        logger.warn({ mail: task.kind }, 'mail queue full; dropped a message');
        return;
      }
      waiting.push(task);
      if (running !== null) return;
      running = new Promise<void>((resolve) => {
        schedule(() => {
          void drain().then(resolve);
        });
      });
    },
    idle() {
      if (running === null && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
      });
    },
  };
}
