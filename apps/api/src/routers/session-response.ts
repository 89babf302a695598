// CONTRACT.md `Session` on the wire, and where the refresh token goes: the httpOnly cookie (browsers, the
// default) or the response body when the caller asked `refreshTransport: "body"` (non-browser clients).
import type { Context } from '../context.js';
import type { IssuedSession, PublicUser } from '../services/session.js';

export type RefreshTransport = 'cookie' | 'body';

export interface SessionResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: PublicUser;
  refreshToken?: string;
}

export function deliverSession(
  ctx: Context,
  issued: IssuedSession,
  transport: RefreshTransport,
): SessionResponse {
  const response: SessionResponse = {
    accessToken: issued.accessToken,
    accessTokenExpiresAt: issued.accessTokenExpiresAt.toISOString(),
    user: issued.user,
  };
  if (issued.refresh === null) return response;
  if (transport === 'body') return { ...response, refreshToken: issued.refresh.token };
  ctx.refreshCookie.set(issued.refresh.token, issued.refresh.expiresAt);
  return response;
}
