/**
 * What every framework adapter does with a request: read the bearer token, verify it, and either hand back the
 * claims or the HTTP answer to send. 401 with RFC 6750 §3's `WWW-Authenticate` for a missing or refused token
 * (the reason, not the token, in the body); 503 with `Retry-After` while the verifier cannot decide, because
 * "cannot tell" must not turn into "let in".
 */
import type { Verifier } from './access-token-verifier.js';
import { bearerToken } from './bearer-token.js';
import { VerifierError, type VerifierErrorCode } from './errors.js';
import type { AccessTokenClaims } from './token-profile.js';

export interface RefusalAnswer {
  status: 401 | 503;
  headers: Record<string, string>;
  body: { error: string; reason: VerifierErrorCode };
}

export type BearerAuthentication =
  { ok: true; claims: AccessTokenClaims } | { ok: false; answer: RefusalAnswer };

/** Verifies the `Authorization` header's bearer token; never throws for a caller's token. */
export async function authenticateBearer(
  verifier: Verifier,
  authorization: string | null | undefined,
): Promise<BearerAuthentication> {
  const token = bearerToken(authorization);
  if (token === null) return { ok: false, answer: refusal(new VerifierError('TOKEN_MISSING', 'MISSING')) };
  try {
    return { ok: true, claims: await verifier.verify(token) };
  } catch (error) {
    if (error instanceof VerifierError) return { ok: false, answer: refusal(error) };
    throw error;
  }
}

function refusal(error: VerifierError): RefusalAnswer {
  if (error.code === 'UNAVAILABLE') {
    return {
      status: 503,
      headers: { 'Retry-After': '1', 'Cache-Control': 'no-store' },
      body: { error: 'temporarily_unavailable', reason: error.code },
    };
  }
  // RFC 6750 §3.1: no error code when the request carried no credentials at all.
  const challenge =
    error.code === 'TOKEN_MISSING'
      ? 'Bearer realm="latchkey"'
      : 'Bearer realm="latchkey", error="invalid_token"';
  return {
    status: 401,
    headers: { 'WWW-Authenticate': challenge, 'Cache-Control': 'no-store' },
    body: { error: error.code === 'TOKEN_MISSING' ? 'unauthorized' : 'invalid_token', reason: error.code },
  };
}
