import { z } from 'zod';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { assertCookieCallAllowed } from '../http/csrf.js';
import { changePassword } from '../services/change-password.js';
import { authSettings, describeToken } from '../services/describe.js';
import type { ClientInfo } from '../services/client-info.js';
import { login } from '../services/login.js';
import { logout, logoutAll } from '../services/logout.js';
import { refresh } from '../services/refresh.js';
import { revokeOwnSession } from '../services/revoke-session.js';
import { toPublicUser } from '../services/session.js';
import { signup } from '../services/signup.js';
import { freshProcedure, protectedProcedure, publicProcedure, router } from '../trpc.js';
import { credentialsInput, loginInput, passwordSchema, refreshTokenSchema, uuidSchema } from './inputs.js';
import { deliverDeviceToken } from './device-token-response.js';
import { deliverSession } from './session-response.js';

// How many audit events `auth.auditEvents` returns, newest first.
const AUDIT_EVENTS_LIMIT = 100;

function clientOf(ctx: Context): ClientInfo {
  return { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
}

/**
 * The refresh token of a call: from the body when given (no CSRF exposure: a forging site cannot know it),
 * else from the cookie, which the browser attaches by itself and so must pass the CSRF checks. Null: neither.
 */
function presentedRefreshToken(ctx: Context, fromBody: string | undefined): string | null {
  if (fromBody !== undefined) return fromBody;
  const fromCookie = ctx.refreshCookie.read();
  if (fromCookie === null) return null;
  assertCookieCallAllowed(ctx.request, ctx.app.config.corsOrigins);
  return fromCookie;
}

export const authRouter = router({
  signup: publicProcedure.input(credentialsInput).mutation(async ({ ctx, input }) => {
    const issued = await signup(ctx.app, input, clientOf(ctx));
    ctx.log.userId = issued.user.id;
    return deliverSession(ctx, issued, input.refreshTransport);
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
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
      const token = presentedRefreshToken(ctx, input.refreshToken);
      if (token === null) throw new ApiError('REFRESH_TOKEN_MISSING');
      // A client that sent its token in the body keeps getting it there unless it asks otherwise.
      const transport = input.refreshTransport ?? (input.refreshToken === undefined ? 'cookie' : 'body');
      const issued = await refresh(ctx.app, { refreshToken: token }, clientOf(ctx));
      ctx.log.userId = issued.user.id;
      return deliverSession(ctx, issued, transport);
    }),

  logout: publicProcedure
    .input(z.strictObject({ refreshToken: refreshTokenSchema.optional() }).default({}))
    .mutation(async ({ ctx, input }) => {
      const token = presentedRefreshToken(ctx, input.refreshToken);
      if (token !== null) {
        await logout(ctx.app, { refreshToken: token }, clientOf(ctx));
      } else if (ctx.access.status === 'valid') {
        await logout(ctx.app, { accessToken: ctx.access.token }, clientOf(ctx));
      } else {
        throw new ApiError(ctx.access.status === 'missing' ? 'TOKEN_MISSING' : ctx.access.code);
      }
      ctx.refreshCookie.clear();
      return { ok: true as const };
    }),

  logoutAll: protectedProcedure.mutation(async ({ ctx }) => {
    const revoked = await logoutAll(ctx.app, ctx.token, clientOf(ctx));
    ctx.refreshCookie.clear();
    return { revoked };
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
      const issued = await changePassword(ctx.app, ctx.token, input, clientOf(ctx));
      return deliverSession(ctx, issued, 'cookie');
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
