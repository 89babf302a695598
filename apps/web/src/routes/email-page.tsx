import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert } from '../components/alert.js';
import { FormField } from '../components/form-field.js';
import { formText } from '../components/form-text.js';
import { humanErrorMessage } from '../features/auth/error-message.js';
import { useSessionController } from '../features/auth/session-context.js';
import { useTRPC } from '../trpc.js';

/** The account's email address: the confirmed one, one waiting for its link, and a change (fresh login). */
export function EmailPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const controller = useSessionController();
  const status = useQuery(trpc.auth.email.queryOptions());
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const change = async (form: HTMLFormElement): Promise<void> => {
    setPending(true);
    try {
      const { pending: address } = await controller
        .getSnapshot()
        .client.api.auth.changeEmail.mutate({ email: formText(form, 'email').trim() });
      form.reset();
      setOutcome({ tone: 'success', text: `A confirmation link was sent to ${address}.` });
      await queryClient.invalidateQueries({ queryKey: trpc.auth.email.queryKey() });
    } catch (caught) {
      setOutcome({ tone: 'error', text: humanErrorMessage(caught, 'change-email') });
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="email-title">
      <h1 id="email-title">Email address</h1>
      <div className="card stack">
        {status.data === undefined ? (
          <p>Loading…</p>
        ) : (
          <>
            <p data-testid="email-current">
              {status.data.email === null
                ? 'No confirmed email address: you cannot reset a forgotten password.'
                : `Confirmed: ${status.data.email}`}
            </p>
            {status.data.pending === null ? null : (
              <p data-testid="email-pending">Waiting for confirmation: {status.data.pending.email}</p>
            )}
          </>
        )}
      </div>
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void change(event.currentTarget);
        }}
      >
        {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
        <FormField
          label="New email address"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          hint="It replaces the current one once you follow the link we mail to it. Needs a recent login."
        />
        <button type="submit" disabled={pending}>
          Send confirmation link
        </button>
      </form>
    </section>
  );
}
