// Mail over SMTP with nodemailer, configured by one URL (MAIL_URL): `smtps://` speaks TLS from the first
// byte, `smtp://` upgrades with STARTTLS when the server offers it (add `?requireTLS=true` to insist).
// nodemailer's own logger stays off: it would write addresses and message bodies, which carry link tokens.
import { createTransport } from 'nodemailer';
import type { MailMessage } from './mail-message.js';
import type { MailTransport } from './mail-transport.js';

export function createSmtpTransport(options: {
  url: string;
  from: string;
  timeoutSeconds: number;
}): MailTransport {
  const timeoutMs = options.timeoutSeconds * 1000;
  const transporter = createTransport(
    {
      url: options.url,
      // A server that accepts the connection and then says nothing must not hold a send for minutes
      // (nodemailer waits 2 minutes for a connection and 10 for a socket by default).
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    },
    { from: options.from },
  );
  return {
    async send(message: MailMessage) {
      await transporter.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}
