import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { formText } from '../components/form-text.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useSessionController } from '../features/auth/session-context.js';

/**
 * Deletes the account after two confirmations: the box that says what goes, and the password (the API also
 * wants a recent login). On success the client has ended the session here and in the other tabs, and the
 * route guard takes the visitor to the login page, which says the account was deleted.
 */
export function DeleteAccountPage(): ReactElement {
  const controller = useSessionController();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const confirmId = useId();

  const submit = async (formElement: HTMLFormElement): Promise<void> => {
    setPending(true);
    setError(null);
    try {
      await controller.getSnapshot().client.deleteAccount({ password: formText(formElement, 'password') });
      queryClient.clear();
    } catch (caught) {
      setError(humanErrorMessage(caught, 'delete-account'));
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="delete-account-title">
      <h1 id="delete-account-title">Delete account</h1>
      <p>
        This deletes your account and your tasks, and logs out every session at once. It cannot be undone, and
        your username becomes free for anyone to take.
      </p>
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        {error === null ? null : <Alert tone="error">{error}</Alert>}
        <div className="confirm-option">
          <input type="checkbox" id={confirmId} name="confirm" required />
          <label htmlFor={confirmId}>I understand that my account and tasks are deleted for good</label>
        </div>
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <button type="submit" className="danger" disabled={pending}>
          Delete my account
        </button>
      </form>
    </section>
  );
}
