/**
 * When an access token expires, on the local clock.
 *
 * The server says `accessTokenExpiresAt` on its clock. A laptop whose clock runs two minutes late would
 * think a 15-minute token has 17 minutes left and refresh too late. The token's own `exp - iat` is the
 * lifetime the server granted, independent of either clock, so the local expiry is "received + lifetime".
 * The payload is only read here, never trusted for anything else: the server verifies every token.
 */
export function localAccessTokenExpiry(
  accessToken: string,
  serverExpiresAt: string | Date,
  receivedAtMs: number,
): number {
  const lifetimeMs = accessTokenLifetimeMs(accessToken);
  if (lifetimeMs !== null) return receivedAtMs + lifetimeMs;
  return new Date(serverExpiresAt).getTime();
}

/** The lifetime the server granted this token (`exp - iat`) in milliseconds, or null when it cannot be read. */
export function accessTokenLifetimeMs(accessToken: string): number | null {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    if (typeof claims !== 'object' || claims === null) return null;
    const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
    if (typeof exp !== 'number' || typeof iat !== 'number' || exp <= iat) return null;
    return (exp - iat) * 1000;
  } catch {
    return null;
  }
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
