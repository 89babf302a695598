import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { CredentialsForm } from '../features/auth/credentials-form.js';
import { ROUTES } from '../features/auth/guard-decision.js';

export function SignupPage(): ReactElement {
  return (
    <section className="narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <CredentialsForm purpose="signup" />
      <p>
        Already have one? <Link to={ROUTES.login}>Log in</Link>
      </p>
    </section>
  );
}
