// The refresh-token cookie, read and written with the `cookie` package (RFC 6265 parsing and serialising,
// which a hand-written split(';') gets wrong on quoting and duplicates).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { RefreshCookieConfig } from '../config.js';
import { ApiError } from '../errors.js';

export interface RefreshCookieJar {
  /** The refresh token the browser sent, or null. */
  read(): string | null;
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
