import { z } from 'zod';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { changePassword } from '../services/change-password.js';
import { authSettings, describeToken } from '../services/describe.js';
import type { ClientInfo } from '../services/client-info.js';
import { login } from '../services/login.js';
import { logout, logoutAll, refreshTokenOwner } from '../services/logout.js';
import { refresh } from '../services/refresh.js';
import { revokeOwnSession } from '../services/revoke-session.js';
import { toPublicUser } from '../services/session.js';
import { signup } from '../services/signup.js';
import { freshProcedure, protectedProcedure, publicProcedure, router } from '../trpc.js';
import { credentialsInput, loginInput, passwordSchema, refreshTokenSchema, uuidSchema } from './inputs.js';
import { deliverDeviceToken } from './device-token-response.js';
import { answerTransport, presentedRefreshToken } from './presented-refresh-token.js';
import { deliverSession, withoutRefreshToken } from './session-response.js';
import { describeSessionDevice } from './session-device.js';

// How many audit events `auth.auditEvents` returns, newest first.
const AUDIT_EVENTS_LIMIT = 100;

function clientOf(ctx: Context): ClientInfo {
  return { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
}

export const authRouter = router({
  signup: publicProcedure.input(credentialsInput).mutation(async ({ ctx, input }) => {
    if (input.refreshTransport === 'cookie') ctx.refreshCookie.assertSettable('auth.signup');
    const issued = await signup(ctx.app, input, clientOf(ctx));
    ctx.log.userId = issued.user.id;
    return deliverSession(ctx, issued, input.refreshTransport);
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    if (input.refreshTransport === 'cookie') ctx.refreshCookie.assertSettable('auth.login');
    // A device token in the body wins over the cookie: the caller chose to send it.
    const deviceToken = input.deviceToken ?? ctx.deviceCookie.read();
    const issued = await login(ctx.app, { ...input, deviceToken }, clientOf(ctx));
    ctx.log.userId = issued.user.id;
    const session = deliverSession(ctx, issued, input.refreshTransport);
    return deliverDeviceToken(ctx, session, input.refreshTransport);
  }),

  refresh: publicProcedure
    .input(
      z
        .strictObject({
          refreshToken: refreshTokenSchema.optional(),
          refreshTransport: z.enum(['cookie', 'body']).optional(),
        })
        .default({}),
    )
    .mutation(async ({ ctx, input }) => {
      const presented = presentedRefreshToken(ctx, input.refreshToken);
      if (presented === null) throw new ApiError('REFRESH_TOKEN_MISSING');
      const transport = answerTransport(presented, input.refreshTransport);
      if (transport === 'cookie') ctx.refreshCookie.assertSettable('auth.refresh');
      const issued = await refresh(ctx.app, { refreshToken: presented.token }, clientOf(ctx));
      ctx.log.userId = issued.user.id;
      return deliverSession(ctx, issued, transport);
    }),

  logout: publicProcedure
    .input(z.strictObject({ refreshToken: refreshTokenSchema.optional() }).default({}))
    .mutation(async ({ ctx, input }) => {
      const presented = presentedRefreshToken(ctx, input.refreshToken);
      if (presented !== null) {
        // The cookie is cleared only when it holds the very token whose session this call revokes: a script on
        // the page must not make the browser forget a live session's cookie (with a made-up token, or the token
        // of another session), or its owner would never present that token again and reuse detection would
        // never fire. A token that names no live session throws in logout(), before the cookie is touched.
        const clearsCookie = presented.from === 'cookie' || ctx.refreshCookie.read() === presented.token;
        if (clearsCookie) ctx.refreshCookie.assertSettable('auth.logout');
        await logout(ctx.app, { refreshToken: presented.token }, clientOf(ctx));
        if (clearsCookie) ctx.refreshCookie.clear();
      } else if (ctx.access.status === 'valid') {
        await logout(ctx.app, { accessToken: ctx.access.token }, clientOf(ctx));
      } else {
        throw new ApiError(ctx.access.status === 'missing' ? 'TOKEN_MISSING' : ctx.access.code);
      }
      return { ok: true as const };
    }),

  // The cookie is cleared only when its token names one of the sessions this call revoked: clearing it on the
  // word of an access token alone would let a script with its own account's token make the browser forget
  // another account's live cookie. A cookie of this user is checked settable before anything is revoked. Two
  // refresh cookies (one planted) are both left alone: which is real is unknown, and the revocation must not
  // be blocked by them.
  logoutAll: protectedProcedure.mutation(async ({ ctx }) => {
    const cookieOwner = await refreshTokenOwner(ctx.app, ctx.refreshCookie.readIfSingle());
    if (cookieOwner?.userId === ctx.token.userId) ctx.refreshCookie.assertSettable('auth.logoutAll');
    const revoked = await logoutAll(ctx.app, ctx.token, clientOf(ctx));
    if (cookieOwner !== null && revoked.includes(cookieOwner.sessionId)) ctx.refreshCookie.clear();
    return { revoked: revoked.length };
  }),

  /** What this server enforces: token lifetimes, the fresh-login window, the password rules. */
  settings: publicProcedure.query(({ ctx }) => authSettings(ctx.app)),

  /** The caller's access token as the server verified it: who, which session, until when, fresh until when. */
  token: protectedProcedure.query(({ ctx }) => describeToken(ctx.app, ctx.token)),

  me: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.app.repositories.users.findById(ctx.token.userId);
    if (user === null) throw new ApiError('SESSION_REVOKED');
    return toPublicUser(user);
  }),

  sessions: protectedProcedure.query(async ({ ctx }) => {
    const sessions = await ctx.app.repositories.sessions.listActiveForUser(
      ctx.token.userId,
      ctx.app.config.now(),
    );
    return sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      userAgent: session.userAgent,
      ...describeSessionDevice(session.userAgent),
      // The row keeps the address and agent of the login; a refresh moves lastUsedAt and lastUsedFrom.
      signedInFrom: session.ip,
      lastUsedFrom: session.lastUsedIp,
      current: session.id === ctx.token.sessionId,
    }));
  }),

  revokeSession: protectedProcedure
    .input(z.strictObject({ sessionId: uuidSchema }))
    .mutation(async ({ ctx, input }) => {
      await revokeOwnSession(ctx.app, ctx.token, input.sessionId, clientOf(ctx));
      return { ok: true as const };
    }),

  changePassword: freshProcedure
    .input(z.strictObject({ currentPassword: passwordSchema, newPassword: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      // The refresh token is not rotated, so it stays wherever the session keeps it (cookie or body client).
      return withoutRefreshToken(await changePassword(ctx.app, ctx.token, input, clientOf(ctx)));
    }),

  auditEvents: protectedProcedure.query(async ({ ctx }) => {
    const events = await ctx.app.repositories.audit.listForUser(ctx.token.userId, {
      limit: AUDIT_EVENTS_LIMIT,
    });
    return events.map((event) => ({
      id: event.id,
      type: event.type,
      sessionId: event.sessionId,
      ip: event.ip,
      userAgent: event.userAgent,
      createdAt: event.createdAt.toISOString(),
    }));
  }),
});
