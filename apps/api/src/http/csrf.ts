// CSRF defence for calls authenticated by the refresh cookie (refresh, logout). SameSite=Strict already keeps
// the cookie off cross-site requests; this is the second, independent layer OWASP's CSRF cheat sheet asks for:
//   1. the request must say where it comes from: an allow-listed Origin, or `Sec-Fetch-Site: same-origin`;
//   2. it must carry `Content-Type: application/json`, which no HTML form can send without a CORS preflight.
import type { RequestDetails } from '../context.js';
import { ApiError } from '../errors.js';
import { isAllowedOrigin } from './cors.js';

/** Throws ApiError CSRF_REJECTED (FORBIDDEN) unless the cookie-borne call passes both checks. */
export function assertCookieCallAllowed(request: RequestDetails, allowedOrigins: readonly string[]): void {
  const fromAllowedOrigin = isAllowedOrigin(request.origin, allowedOrigins);
  const sameOrigin = request.origin === null && request.secFetchSite === 'same-origin';
  if (!fromAllowedOrigin && !sameOrigin) {
    throw new ApiError('CSRF_REJECTED', { message: 'Cookie-authenticated calls need an allowed Origin' });
  }
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError('CSRF_REJECTED', {
      message: 'Cookie-authenticated calls need Content-Type: application/json',
    });
  }
}
