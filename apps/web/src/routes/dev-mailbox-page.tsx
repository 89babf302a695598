// Development only: the API's in-memory outbox (`dev.mailbox`), so `pnpm dev` needs no mail server. The
// route is added under `import.meta.env.DEV` (app.tsx), so a production build does not contain this page.
import { useQuery } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { useTRPC } from '../trpc.js';

export function DevMailboxPage(): ReactElement {
  const trpc = useTRPC();
  const mailbox = useQuery({ ...trpc.dev.mailbox.queryOptions(), refetchInterval: 2000, retry: false });
  return (
    <section aria-labelledby="mailbox-title">
      <h1 id="mailbox-title">Development mailbox</h1>
      <p>Mail the API would have sent, newest first. Only in development, only without MAIL_URL.</p>
      {mailbox.error === null ? null : (
        <Alert tone="error">The API has no development outbox (MAIL_URL is set).</Alert>
      )}
      {(mailbox.data ?? []).map((message) => (
        <article key={message.id} className="card stack" aria-label={message.subject}>
          <h2>{message.subject}</h2>
          <p>
            To {message.to}, {new Date(message.sentAt).toLocaleString()}
          </p>
          <pre className="mail-text">{linkified(message.text)}</pre>
        </article>
      ))}
    </section>
  );
}

/** The plain-text part with its links clickable (the HTML part is not rendered: it came from the API). */
function linkified(text: string): ReactElement[] {
  return text.split(/(https?:\/\/\S+)/g).map((part, index) =>
    /^https?:\/\//.test(part) ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      <span key={index}>{part}</span>
    ),
  );
}
