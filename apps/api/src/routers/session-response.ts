// `Session` on the wire (apps/api/README.md, Procedures), and where the refresh token goes: the httpOnly
// cookie (browsers, the default) or the response body when the caller asked `refreshTransport: "body"`
// (non-browser clients).
import type { Context } from '../context.js';
import type { IssuedSession, PublicUser } from '../services/session.js';

export type RefreshTransport = 'cookie' | 'body';

export interface SessionResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: PublicUser;
  refreshToken?: string;
}

/** The access-token part only, for a flow that kept the caller's refresh token where it was (change password). */
export function withoutRefreshToken(issued: IssuedSession): SessionResponse {
  return {
    accessToken: issued.accessToken,
    accessTokenExpiresAt: issued.accessTokenExpiresAt.toISOString(),
    user: issued.user,
  };
}

/** The session's answer, with the new refresh token in the cookie or in the body as `transport` says. */
export function deliverSession(
  ctx: Context,
  issued: IssuedSession,
  transport: RefreshTransport,
): SessionResponse {
  const response = withoutRefreshToken(issued);
  if (issued.refresh === null) return response;
  if (transport === 'body') return { ...response, refreshToken: issued.refresh.token };
  ctx.refreshCookie.set(issued.refresh.token, issued.refresh.expiresAt);
  return response;
}
