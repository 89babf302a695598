import { useState } from 'react';
import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { formText } from '../components/form-text.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSessionController } from '../features/auth/session-context.js';

/** The answer is the same whether or not the name or address has an account: the server does not tell. */
export function ForgotPasswordPage(): ReactElement {
  const controller = useSessionController();
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (form: HTMLFormElement): Promise<void> => {
    setPending(true);
    try {
      await controller.getSnapshot().client.requestPasswordReset(formText(form, 'identifier').trim());
      setOutcome({
        tone: 'success',
        text: 'If an account with a confirmed email address matches, a reset link is on its way. It works for 30 minutes.',
      });
    } catch (caught) {
      setOutcome({ tone: 'error', text: humanErrorMessage(caught, 'forgot-password') });
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
        <FormField
          label="Username or email"
          name="identifier"
          autoComplete="username"
          required
          maxLength={254}
          hint="A reset link can only go to an email address you confirmed on your account."
        />
        <button type="submit" disabled={pending}>
          Send reset link
        </button>
      </form>
      <p>
        Remembered it? <Link to={ROUTES.login}>Log in</Link>
      </p>
    </section>
  );
}
