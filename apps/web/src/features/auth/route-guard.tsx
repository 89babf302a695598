import type { ReactElement, ReactNode } from 'react';
import { Navigate } from 'react-router';
import { guardDecision } from './guard-decision.js';
import type { RouteAccess } from './guard-decision.js';
import { useSession } from './session-context.js';

/** Renders its children only when the session allows it; see guard-decision.ts for the rules. */
export function RouteGuard(props: { access: RouteAccess; children: ReactNode }): ReactElement {
  const { auth, checking } = useSession();
  const decision = guardDecision(props.access, auth, checking);
  switch (decision.kind) {
    case 'render':
      return <>{props.children}</>;
    case 'wait':
      return <RestoringSession />;
    case 'forbidden':
      return (
        <section aria-labelledby="forbidden-title">
          <h1 id="forbidden-title">Administrators only</h1>
          <p>Your account does not have the admin role.</p>
        </section>
      );
    case 'redirect':
      return <Navigate to={decision.to} replace />;
  }
}

function RestoringSession(): ReactElement {
  return (
    <p className="restoring" role="status" aria-live="polite">
      Restoring session…
    </p>
  );
}
