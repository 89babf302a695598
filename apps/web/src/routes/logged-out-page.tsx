import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { ROUTES } from '../features/auth/guard-decision.js';

export function LoggedOutPage(): ReactElement {
  return (
    <section className="narrow" aria-labelledby="logged-out-title">
      <h1 id="logged-out-title">You are logged out</h1>
      <p>Your session was revoked on the server and every token was removed from this browser.</p>
      <p>
        <Link className="button" to={ROUTES.login}>
          Log in again
        </Link>
      </p>
    </section>
  );
}
