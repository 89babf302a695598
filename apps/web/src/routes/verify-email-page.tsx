import { useState } from 'react';
import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/alert.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSessionController } from '../features/auth/session-context.js';
import { useLinkToken } from '../features/auth/use-link-token.js';

/** A button rather than a call on load: a mail scanner that opens the link must not confirm the address. */
export function VerifyEmailPage(): ReactElement {
  const controller = useSessionController();
  const token = useLinkToken();
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  const confirm = async (): Promise<void> => {
    if (token === null) return;
    setPending(true);
    try {
      const email = await controller.getSnapshot().client.verifyEmail(token);
      setOutcome({ tone: 'success', text: `Confirmed: ${email} is your account's email address.` });
    } catch (caught) {
      setOutcome({ tone: 'error', text: humanErrorMessage(caught, 'verify-email') });
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Confirm your email address</h1>
      {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
      {token === null ? (
        <Alert tone="error">This page needs the link from your email.</Alert>
      ) : outcome?.tone === 'success' ? (
        <p>
          <Link to={ROUTES.home}>Continue</Link>
        </p>
      ) : (
        <button type="button" disabled={pending} onClick={() => void confirm()}>
          Confirm this address
        </button>
      )}
    </section>
  );
}
