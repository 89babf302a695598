// Service clients: the other services (SERVICE_CLIENTS) allowed to introspect tokens and follow the revocation
// feed. They authenticate with HTTP Basic, id and secret each form-urlencoded first (RFC 6749 section 2.3.1,
// which RFC 7662 section 2.1 points at). The API keeps only the SHA-256 of each secret: a secret is 256 random
// bits, so a fast hash is enough (there is nothing to guess), and argon2 would hand any caller a CPU to burn.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: the same strength as a JWT secret (packages/auth/src/jwt-secret.ts). */
const SERVICE_SECRET_BYTES = 32;

// Compared against when the id is unknown, so an unknown id costs what a known one does.
const UNKNOWN_CLIENT_DIGEST = serviceSecretDigest(randomBytes(SERVICE_SECRET_BYTES).toString('base64url'));

/** The base64url SHA-256 of a secret: what SERVICE_CLIENTS holds. */
export function serviceSecretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** A new service client's secret and the SERVICE_CLIENTS entry for it. */
export function generateServiceClient(id: string): { secret: string; entry: string } {
  const secret = randomBytes(SERVICE_SECRET_BYTES).toString('base64url');
  return { secret, entry: `${id}:${serviceSecretDigest(secret)}` };
}

/**
 * The id of the service client an `Authorization` header proves, or null. The digests are compared in constant
 * time, and an unknown id is compared against a random digest, so the answer's timing tells nothing.
 */
export function authenticateServiceClient(
  clients: ReadonlyMap<string, string>,
  authorization: string | undefined,
): string | null {
  const credentials = parseBasic(authorization);
  if (credentials === null) return null;
  const stored = clients.get(credentials.id);
  const presented = Buffer.from(serviceSecretDigest(credentials.secret), 'utf8');
  const expected = Buffer.from(stored ?? UNKNOWN_CLIENT_DIGEST, 'utf8');
  const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
  return matches && stored !== undefined ? credentials.id : null;
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    // A malformed percent-escape: no credentials at all.
    return null;
  }
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}
