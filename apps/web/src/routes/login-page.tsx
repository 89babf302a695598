import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/alert.js';
import { CredentialsForm } from '../features/auth/credentials-form.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSession } from '../features/auth/session-context.js';

export function LoginPage(): ReactElement {
  const { auth } = useSession();
  const ended = auth.status === 'anonymous' ? auth.reason : null;
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      {ended === 'revoked' ? (
        <Alert tone="info">Your session was ended (logged out elsewhere or revoked). Log in again.</Alert>
      ) : null}
      {ended === 'account-deleted' ? (
        <Alert tone="info">Your account was deleted, with its tasks and every session.</Alert>
      ) : null}
      {ended === 'expired' ? <Alert tone="info">Your session expired. Log in again.</Alert> : null}
      {ended === 'unreachable' ? (
        <Alert tone="error">Could not reach the server to restore your session. Check your connection.</Alert>
      ) : null}
      <CredentialsForm purpose="login" />
      <p>
        <Link to={ROUTES.forgotPassword}>Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to={ROUTES.signup}>Create an account</Link>
      </p>
    </section>
  );
}
