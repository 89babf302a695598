// The refresh-token cookie, read and written with the `cookie` package (RFC 6265 parsing and serialising,
// which a hand-written split(';') gets wrong on quoting and duplicates).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { RefreshCookieConfig } from '../config.js';
import { ApiError } from '../errors.js';

export interface RefreshCookieJar {
  /** The refresh token the browser sent, or null. Throws CSRF_REJECTED when the request carries two. */
  read(): string | null;
  /**
   * The refresh token when the request carries exactly one refresh cookie; null for none or two, never throws.
   * For a call that only decides whether to clear the cookie: a planted second cookie must not block it.
   */
  readIfSingle(): string | null;
  /** Sets the cookie: httpOnly, SameSite=Strict, expiring with the session's idle expiry. */
  set(token: string, expiresAt: Date): void;
  /** Tells the browser to drop the cookie. */
  clear(): void;
  /**
   * Throws STREAMED_COOKIE_CALL when this answer cannot carry a Set-Cookie (it is streamed, so its headers
   * leave before the procedure runs). Called before a flow rotates, revokes or creates anything, so a refused
   * call changes nothing.
   */
  assertSettable(procedure: string): void;
}

/** How many cookies of this name the header carries (`parseCookie` keeps only the first of them). */
function countCookies(header: string, name: string): number {
  let count = 0;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) count += 1;
  }
  return count;
}

/** Serialises the refresh cookie (exported for tests of its attributes). */
export function refreshSetCookie(config: RefreshCookieConfig, value: string, expiresAt: Date): string {
  return stringifySetCookie({
    name: config.name,
    value,
    httpOnly: true,
    // Strict: the browser never attaches it to a request another site starts (the first CSRF defence).
    sameSite: 'strict',
    secure: config.secure,
    path: config.path,
    expires: expiresAt,
  });
}

export function createRefreshCookieJar(
  config: RefreshCookieConfig,
  request: IncomingMessage,
  response: ServerResponse,
  answer: { streamed: boolean },
): RefreshCookieJar {
  return {
    read(): string | null {
      const header = request.headers.cookie;
      if (header === undefined) return null;
      // The server sets one refresh cookie, at one Path. A second of the same name was planted: by a script on
      // the page (document.cookie cannot overwrite the httpOnly one, but it can add one at a longer Path, which
      // the browser sends first) or by a sibling host. Taking either one would let the planter choose which
      // session is refreshed or logged out while the Set-Cookie lands on the real one, so both are refused.
      // With COOKIE_SECURE the `__Host-` prefix already keeps such a cookie out; this covers plain HTTP.
      if (countCookies(header, config.name) > 1)
        throw new ApiError('CSRF_REJECTED', {
          message: 'More than one refresh cookie came with the request',
        });
      const value = parseCookie(header)[config.name];
      return value === undefined || value === '' ? null : value;
    },
    readIfSingle(): string | null {
      const header = request.headers.cookie;
      if (header === undefined || countCookies(header, config.name) !== 1) return null;
      const value = parseCookie(header)[config.name];
      return value === undefined || value === '' ? null : value;
    },
    set(token: string, expiresAt: Date): void {
      response.appendHeader('Set-Cookie', refreshSetCookie(config, token, expiresAt));
    },
    clear(): void {
      response.appendHeader('Set-Cookie', refreshSetCookie(config, '', new Date(0)));
    },
    assertSettable(procedure: string): void {
      if (!answer.streamed) return;
      throw new ApiError('STREAMED_COOKIE_CALL', {
        message: `${procedure} sets the refresh cookie, which a streamed answer cannot carry: call it with httpLink or httpBatchLink (without trpc-accept: application/jsonl), or send the refresh token in the body`,
      });
    },
  };
}
