import { useState } from 'react';
import type { ReactElement } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Alert } from '../components/alert.js';
import { ROUTES } from '../features/auth/guard-decision.js';
import { readLoggedOutState } from '../features/auth/logged-out-state.js';
import type { LoggedOutState } from '../features/auth/logged-out-state.js';
import { useSessionController } from '../features/auth/session-context.js';

/**
 * Where a logout lands. It says the session was revoked on the server only when the server said so: after a
 * logout the API did not answer, the session still lives there (and the refresh cookie, which only the server
 * can clear, still holds it), so the page says that and offers to try again.
 */
export function LoggedOutPage(): ReactElement {
  const location = useLocation();
  const navigate = useNavigate();
  const controller = useSessionController();
  const outcome = readLoggedOutState(location.state);
  const [retrying, setRetrying] = useState(false);

  const retry = async (): Promise<void> => {
    setRetrying(true);
    try {
      const state: LoggedOutState = await controller.getSnapshot().client.logout();
      await navigate(ROUTES.loggedOut, { replace: true, state });
    } finally {
      setRetrying(false);
    }
  };

  return (
    <section className="narrow" aria-labelledby="logged-out-title">
      <h1 id="logged-out-title">You are logged out</h1>
      {outcome === null ? <p>Every token was removed from this browser.</p> : null}
      {outcome?.revokedOnServer === true ? (
        <p>Your session was revoked on the server and every token was removed from this browser.</p>
      ) : null}
      {outcome?.revokedOnServer === false ? (
        <>
          <Alert tone="error">
            The server could not be reached, so your session was not revoked on the server: it stays valid
            there until it expires, and this browser&apos;s refresh cookie could still resume it. The tokens
            this page held were removed.
          </Alert>
          <p>
            <button
              type="button"
              disabled={retrying}
              onClick={() => {
                void retry();
              }}
            >
              Try again
            </button>
          </p>
        </>
      ) : null}
      <p>
        <Link className="button" to={ROUTES.login}>
          Log in again
        </Link>
      </p>
    </section>
  );
}
