import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { ROUTES } from '../features/auth/guard-decision.js';

export function HomePage(): ReactElement {
  return (
    <section className="hero" aria-labelledby="home-title">
      <h1 id="home-title">JWT authentication, done end to end</h1>
      <p>
        Short-lived access tokens, rotating refresh tokens in an httpOnly cookie, one refresh for every tab,
        and logout that takes effect everywhere at once.
      </p>
      <p className="actions">
        <Link className="button" to={ROUTES.signup}>
          Create an account
        </Link>
        <Link className="button secondary" to={ROUTES.login}>
          Log in
        </Link>
      </p>
    </section>
  );
}
