import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ROUTES } from './guard-decision.js';
import { useSessionController } from './session-context.js';

/**
 * Logs out: the server revokes the session (and clears the cookie), the client wipes its store and tells
 * the other tabs, the query cache is dropped, and the visitor lands on the logged-out page. `replace`
 * keeps the protected page out of the way of Back (the guard would refuse it anyway).
 */
export function useLogout(): (options?: { everywhere?: boolean }) => Promise<void> {
  const controller = useSessionController();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async (options = {}) => {
    const { client } = controller.getSnapshot();
    // logout() always ends the local session (even offline); logoutAll() rejects, for the page to report.
    if (options.everywhere === true) await client.logoutAll();
    else await client.logout();
    queryClient.clear();
    await navigate(ROUTES.loggedOut, { replace: true });
  };
}
