// The refresh-token cookie, read and written with the `cookie` package (RFC 6265 parsing and serialising,
// which a hand-written split(';') gets wrong on quoting and duplicates).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { RefreshCookieConfig } from '../config.js';

export interface RefreshCookieJar {
  /** The refresh token the browser sent, or null. */
  read(): string | null;
  /** Sets the cookie: httpOnly, SameSite=Strict, expiring with the session's idle expiry. */
  set(token: string, expiresAt: Date): void;
  /** Tells the browser to drop the cookie. */
  clear(): void;
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
  };
}
