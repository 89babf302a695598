// The mail server the password-reset benchmark's API sends to: a real SMTP server in the bench process (the
// `smtp-server` package, as apps/api/src/testing/test-mail-server.ts runs it) that accepts every message and
// discards it, except for a recipient the bench is waiting on: the link that verifies an address while it
// prepares its accounts, and between timed slices the mail that shows the API's queue has drained. Nothing is
// parsed or kept while a slice is timed, so the mail the API sends for the verified account costs the bench
// process almost nothing.
import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';

import { emailedLinkToken } from './emailed-link.js';

export interface DiscardingMailServer {
  /** `smtp://127.0.0.1:<port>`: the API's MAIL_URL. */
  url: string;
  /** Messages accepted so far, kept or not. */
  readonly accepted: number;
  /** The token of the next `page` link mailed to `address` (lower-case), waiting up to `timeoutMs` for it. */
  nextLinkToken(
    address: string,
    page: 'verify-email' | 'reset-password',
    options?: { timeoutMs?: number },
  ): Promise<string>;
  close(): Promise<void>;
}

const WAIT_STEP_MS = 20;
const DEFAULT_TIMEOUT_MS = 15_000;

/** Starts the server on a free loopback port. */
export async function startDiscardingMailServer(): Promise<DiscardingMailServer> {
  /** Raw messages to the recipients someone is waiting on, by address. */
  const kept = new Map<string, string[]>();
  let accepted = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, no login to configure.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const watched = session.envelope.rcptTo
        .map((recipient) => recipient.address.toLowerCase())
        .filter((address) => kept.has(address));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (watched.length > 0) chunks.push(chunk);
      });
      stream.on('end', () => {
        accepted += 1;
        const raw = Buffer.concat(chunks).toString('utf8');
        for (const address of watched) kept.get(address)?.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    async nextLinkToken(address, page, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
      const key = address.toLowerCase();
      const messages: string[] = [];
      kept.set(key, messages);
      try {
        for (let waited = 0; waited < timeoutMs; waited += WAIT_STEP_MS) {
          for (const raw of messages) {
            const token = emailedLinkToken(raw, page);
            if (token !== null) return token;
          }
          await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
        }
        throw new Error(`no ${page} link mailed to ${address} within ${timeoutMs} ms`);
      } finally {
        kept.delete(key);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
