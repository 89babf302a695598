// Where a call's refresh token came from, and the rule that ties the answer to it: a token that came in the
// httpOnly cookie goes back only through the cookie. A script on the app's own origin passes every CSRF check
// (it is same-origin), so if the caller could pick the transport, such a script could refresh with the cookie
// and read the successor token from the body: the httpOnly flag would protect nothing.
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { assertCookieCallAllowed } from '../http/csrf.js';
import type { RefreshTransport } from './session-response.js';

export interface PresentedRefreshToken {
  token: string;
  from: RefreshTransport;
}

/**
 * The refresh token of a call: from the body when given (no CSRF exposure: a forging site cannot know it),
 * else from the cookie, which the browser attaches by itself and so must pass the CSRF checks. Null: neither.
 */
export function presentedRefreshToken(
  ctx: Context,
  fromBody: string | undefined,
): PresentedRefreshToken | null {
  if (fromBody !== undefined) return { token: fromBody, from: 'body' };
  const fromCookie = ctx.refreshCookie.read();
  if (fromCookie === null) return null;
  assertCookieCallAllowed(ctx.request, ctx.app.config.corsOrigins);
  return { token: fromCookie, from: 'cookie' };
}

/**
 * The transport of the answer: always the one the token came by. A `refreshTransport` that says otherwise is a
 * BAD_REQUEST on that field, thrown before anything is rotated; silently ignoring it would leave a caller
 * believing it got what it asked for.
 */
export function answerTransport(
  presented: PresentedRefreshToken,
  asked: RefreshTransport | undefined,
): RefreshTransport {
  if (asked === undefined || asked === presented.from) return presented.from;
  const message =
    presented.from === 'cookie'
      ? 'The refresh token came in the cookie, so the new one goes back in the cookie: omit refreshTransport or send "cookie"'
      : 'The refresh token came in the body, so the new one goes back in the body: omit refreshTransport or send "body"';
  throw new ApiError('INVALID_INPUT', {
    message: 'refreshTransport contradicts where the refresh token came from',
    fieldErrors: { refreshTransport: [message] },
  });
}
