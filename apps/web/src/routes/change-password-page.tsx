import { useState } from 'react';
import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { formText } from '../components/form-text.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSessionController } from '../features/auth/session-context.js';

export function ChangePasswordPage(): ReactElement {
  const controller = useSessionController();
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (formElement: HTMLFormElement): Promise<void> => {
    setPending(true);
    try {
      await controller.getSnapshot().client.changePassword({
        currentPassword: formText(formElement, 'currentPassword'),
        newPassword: formText(formElement, 'newPassword'),
      });
      formElement.reset();
      setOutcome({ tone: 'success', text: 'Password changed. Every other session was logged out.' });
    } catch (caught) {
      setOutcome({ tone: 'error', text: humanErrorMessage(caught, 'change-password') });
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="password-title">
      <h1 id="password-title">Change password</h1>
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
        <FormField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        <FormField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters; common passwords and your username are refused."
        />
        <button type="submit" disabled={pending}>
          Change password
        </button>
      </form>
      <p>
        <Link to={ROUTES.deleteAccount}>Delete your account</Link>
      </p>
    </section>
  );
}
