import type { ReactElement } from 'react';
import { Link } from 'react-router';
import { ROUTES } from '../features/auth/guard-decision.js';

export function NotFoundPage(): ReactElement {
  return (
    <section className="narrow" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        <Link to={ROUTES.home}>Go to the front page</Link>
      </p>
    </section>
  );
}
