// The login and signup form: the same two fields, a different call and wording.
import { useState } from 'react';
import type { ReactElement } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../../components/alert.js';
import { FormField } from '../../components/form-field.js';
import { formText } from '../../components/form-text.js';
import { humanErrorMessage } from './error-message.js';
import { ROUTES } from './guard-decision.js';
import { useSessionController } from './session-context.js';
import { StorageModeSetting } from './storage-mode-setting.js';

export function CredentialsForm(props: { purpose: 'login' | 'signup' }): ReactElement {
  const controller = useSessionController();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const signup = props.purpose === 'signup';

  const submit = async (form: HTMLFormElement): Promise<void> => {
    const credentials = { username: formText(form, 'username'), password: formText(form, 'password') };
    const email = signup ? formText(form, 'email').trim() : '';
    setPending(true);
    setError(null);
    try {
      const { client } = controller.getSnapshot();
      if (signup) await client.signup(email === '' ? credentials : { ...credentials, email });
      else await client.login(credentials);
      await navigate(ROUTES.dashboard, { replace: true });
    } catch (caught) {
      setError(humanErrorMessage(caught, props.purpose));
      setPending(false);
    }
  };

  return (
    <form
      className="card stack"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(event.currentTarget);
      }}
      noValidate
    >
      {error === null ? null : <Alert tone="error">{error}</Alert>}
      <FormField
        label="Username"
        name="username"
        autoComplete="username"
        required
        minLength={3}
        maxLength={32}
        {...(signup ? { hint: '3 to 32 letters, digits, dots, underscores or hyphens.' } : {})}
      />
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete={signup ? 'new-password' : 'current-password'}
        required
        {...(signup
          ? {
              hint: 'At least 8 characters; a few unrelated words make a strong one. Common passwords are refused.',
            }
          : {})}
      />
      {signup ? (
        <FormField
          label="Email (optional)"
          name="email"
          type="email"
          autoComplete="email"
          maxLength={254}
          hint="Needed to reset a forgotten password. We mail a link to confirm it."
        />
      ) : null}
      <StorageModeSetting variant="full" />
      <button type="submit" disabled={pending}>
        {signup ? 'Sign up' : 'Log in'}
      </button>
    </form>
  );
}
