// The token of an emailed link, read once from the URL fragment (where the API puts it: a fragment is sent
// neither to a server nor in a Referer) and then removed from the address bar and the history entry, so it is
// not left on screen, in the history or in a bookmark. The page posts it in a request body.
import { emailLinkToken } from '@latchkey/client';
import { useState } from 'react';

export function useLinkToken(): string | null {
  const [token] = useState(() => {
    const found = emailLinkToken(window.location.hash);
    if (found !== null) window.history.replaceState(window.history.state, '', window.location.pathname);
    return found;
  });
  return token;
}
