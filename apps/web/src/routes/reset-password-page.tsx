import { useState } from 'react';
import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { formText } from '../components/form-text.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSessionController } from '../features/auth/session-context.js';
import { useLinkToken } from '../features/auth/use-link-token.js';

export function ResetPasswordPage(): ReactElement {
  const controller = useSessionController();
  const token = useLinkToken();
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (form: HTMLFormElement): Promise<void> => {
    if (token === null) return;
    setPending(true);
    try {
      await controller
        .getSnapshot()
        .client.resetPassword({ token, newPassword: formText(form, 'newPassword') });
      setDone(true);
      setOutcome({
        tone: 'success',
        text: 'Password changed. Every session of your account was signed out.',
      });
    } catch (caught) {
      setOutcome({ tone: 'error', text: humanErrorMessage(caught, 'reset-password') });
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      {token === null ? (
        <Alert tone="error">
          This page needs the link from your email. <Link to={ROUTES.forgotPassword}>Ask for a new one</Link>.
        </Alert>
      ) : done ? (
        <>
          {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
          <p>
            <Link to={ROUTES.login}>Log in with your new password</Link>
          </p>
        </>
      ) : (
        <form
          className="card stack"
          onSubmit={(event) => {
            event.preventDefault();
            void submit(event.currentTarget);
          }}
        >
          {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
          <FormField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            hint="At least 8 characters; common passwords and your username are refused."
          />
          <button type="submit" disabled={pending}>
            Set new password
          </button>
        </form>
      )}
    </section>
  );
}
