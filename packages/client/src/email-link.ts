/**
 * The token of an emailed link (`https://app.example.com/reset-password#token=lke_…`), read from the URL's
 * fragment: the API puts it there because browsers send a fragment neither to the server nor in a Referer
 * header. Null when the fragment has no token.
 *
 * @example
 * const token = emailLinkToken(window.location.hash);
 * history.replaceState(null, '', window.location.pathname); // out of the address bar and history
 */
export function emailLinkToken(fragment: string): string | null {
  const token = new URLSearchParams(fragment.replace(/^#/, '')).get('token');
  return token === null || token === '' ? null : token;
}
