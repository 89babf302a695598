// A real SMTP server in the test process (the `smtp-server` package), so mail tests go through nodemailer,
// the SMTP conversation and MIME, then read each message back with mailparser and follow its link over HTTP.
// `refuse` makes it answer every recipient with a permanent 550; `hang` accepts connections and never speaks.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Every http(s) URL in the plain-text part. */
  links: string[];
}

export interface TestMailServer {
  /** `smtp://127.0.0.1:<port>`: pass as MAIL_URL. */
  url: string;
  readonly received: readonly ReceivedMail[];
  /** Messages to this address so far, oldest first. */
  to(address: string): ReceivedMail[];
  /** The newest message to the address, waiting for it to arrive (the API sends off the request path). */
  next(address: string, options?: { after?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const WAIT_STEP_MS = 20;
const WAIT_LIMIT_MS = 10_000;

export async function startTestMailServer(
  options: { behaviour?: 'accept' | 'refuse' | 'hang' } = {},
): Promise<TestMailServer> {
  const behaviour = options.behaviour ?? 'accept';
  if (behaviour === 'hang') return startSilentServer();
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, no login to configure.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (behaviour === 'refuse') {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          for (const recipient of session.envelope.rcptTo) {
            received.push({
              to: recipient.address,
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              links: text.match(/https?:\/\/\S+/g) ?? [],
            });
          }
          callback();
        })
        .catch((error: unknown) => {
          callback(error instanceof Error ? error : new Error('unparseable message'));
        });
    },
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.server.address() as AddressInfo;
  const to = (address: string): ReceivedMail[] => received.filter((mail) => mail.to === address);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to,
    async next(address, { after = 0 } = {}) {
      for (let waited = 0; waited < WAIT_LIMIT_MS; waited += WAIT_STEP_MS) {
        const mails = to(address);
        const newest = mails.at(-1);
        if (mails.length > after && newest !== undefined) return newest;
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      }
      throw new Error(`no mail to ${address} arrived`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Accepts TCP connections and never sends a greeting: a mail server that times out. */
async function startSilentServer(): Promise<TestMailServer> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: [],
    to: () => [],
    next: () => Promise.reject(new Error('a silent server receives nothing')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
