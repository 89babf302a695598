/**
 * Asks the API's RFC 7662 introspection endpoint (`POST /oauth/introspect`) whether a token is active: the
 * authoritative answer, with the session read from the database, for a service that would rather pay a request
 * per token than trust a cached key set and the revocation feed (and the only way under HS256, where the API
 * publishes no public key).
 */
import { VerifierError } from './errors.js';
import { basicAuthorization, type ServiceClientCredentials } from './service-client.js';
import type { AccessTokenClaims } from './token-profile.js';

const INTROSPECTION_TIMEOUT_MS = 5000;

/** What an active token's introspection answer carries (RFC 7662 §2.2 members, plus `sid`, `role`, `auth_time`). */
interface ActiveIntrospection {
  active: true;
  sub: string;
  sid: string;
  role: string;
  jti: string;
  iat: number;
  exp: number;
  auth_time: number;
}

/** The token's claims when the API says it is active; throws TOKEN_INVALID (INACTIVE) or UNAVAILABLE. */
export async function introspectAccessToken(
  token: string,
  options: { apiUrl: string; credentials: ServiceClientCredentials },
): Promise<AccessTokenClaims> {
  let body: unknown;
  try {
    const response = await fetch(new URL('/oauth/introspect', options.apiUrl), {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(options.credentials),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`introspection answered HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (error) {
    throw new VerifierError('UNAVAILABLE', 'INTROSPECTION_UNREACHABLE', { cause: error });
  }
  if (!isActive(body)) throw new VerifierError('TOKEN_INVALID', 'INACTIVE');
  return {
    userId: body.sub,
    sessionId: body.sid,
    role: body.role,
    authTime: new Date(body.auth_time * 1000),
    issuedAt: new Date(body.iat * 1000),
    expiresAt: new Date(body.exp * 1000),
    tokenId: body.jti,
  };
}

function isActive(body: unknown): body is ActiveIntrospection {
  if (typeof body !== 'object' || body === null) return false;
  const answer = body as Record<string, unknown>;
  return (
    answer.active === true &&
    ['sub', 'sid', 'role', 'jti'].every((name) => typeof answer[name] === 'string') &&
    ['iat', 'exp', 'auth_time'].every((name) => Number.isFinite(answer[name]))
  );
}
