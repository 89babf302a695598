// Procedures that exist only for development: outside production with no MAIL_URL, mail goes to an in-memory
// outbox (mail/dev-outbox.ts) and `dev.mailbox` shows it, so `pnpm dev` needs no mail server. Anywhere else
// (production never has an outbox) the procedure answers NOT_FOUND, as for a path that does not exist.
import { ApiError } from '../errors.js';
import { publicProcedure, router } from '../trpc.js';

export const devRouter = router({
  mailbox: publicProcedure.query(({ ctx }) => {
    const outbox = ctx.app.config.nodeEnv === 'production' ? null : (ctx.app.mailer?.outbox ?? null);
    if (outbox === null) throw new ApiError('NOT_FOUND');
    return outbox.messages().map((message) => ({
      id: message.id,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      sentAt: message.sentAt.toISOString(),
    }));
  }),
});
