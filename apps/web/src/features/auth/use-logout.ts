import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ROUTES } from './guard-decision.js';
import type { LoggedOutState } from './logged-out-state.js';
import { useSessionController } from './session-context.js';

/**
 * Logs out: the server revokes the session (and clears the cookie), the client wipes its store and tells
 * the other tabs, the query cache is dropped, and the visitor lands on the logged-out page, which is told
 * whether the server really revoked the session. `replace` keeps the protected page out of the way of Back
 * (the guard would refuse it anyway).
 */
export function useLogout(): (options?: { everywhere?: boolean }) => Promise<void> {
  const controller = useSessionController();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async (options = {}) => {
    const { client } = controller.getSnapshot();
    // logout() always ends the local session (even offline) and reports whether the server revoked it;
    // logoutAll() rejects when it did not, for the page to report.
    let state: LoggedOutState = { revokedOnServer: true };
    if (options.everywhere === true) await client.logoutAll();
    else state = await client.logout();
    queryClient.clear();
    await navigate(ROUTES.loggedOut, { replace: true, state });
  };
}
