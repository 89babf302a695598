import { userRoles, type User } from '@latchkey/db';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { disableUser, enableUser, revokeUserSession, setRole } from '../services/admin.js';
import { adminProcedure, router } from '../trpc.js';
import { uuidSchema } from './inputs.js';
import { sessionView } from './session-view.js';

export interface AdminUserView {
  id: string;
  username: string;
  role: 'user' | 'admin';
  createdAt: string;
  disabledAt: string | null;
}

function toWire(user: User): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    disabledAt: user.disabledAt?.toISOString() ?? null,
  };
}

export const adminRouter = router({
  users: adminProcedure.query(async ({ ctx }) => {
    const users = await ctx.app.repositories.users.list();
    return users.map(toWire);
  }),

  setRole: adminProcedure
    .input(z.strictObject({ userId: uuidSchema, role: z.enum(userRoles) }))
    .mutation(async ({ ctx, input }) => {
      const client = { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
      return toWire(await setRole(ctx.app, ctx.token, input, client));
    }),

  disableUser: adminProcedure
    .input(z.strictObject({ userId: uuidSchema }))
    .mutation(async ({ ctx, input }) => {
      const client = { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
      return toWire(await disableUser(ctx.app, ctx.token, input, client));
    }),

  enableUser: adminProcedure
    .input(z.strictObject({ userId: uuidSchema }))
    .mutation(async ({ ctx, input }) => {
      const client = { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
      return toWire(await enableUser(ctx.app, ctx.token, input, client));
    }),

  /** A user's live sessions, most recently used first, for the admin page's revoke buttons. */
  userSessions: adminProcedure.input(z.strictObject({ userId: uuidSchema })).query(async ({ ctx, input }) => {
    const user = await ctx.app.repositories.users.findById(input.userId);
    if (user === null) throw new ApiError('NOT_FOUND', { message: 'No such user' });
    const sessions = await ctx.app.repositories.sessions.listActiveForUser(user.id, ctx.app.config.now());
    return sessions.map(sessionView);
  }),

  revokeSession: adminProcedure
    .input(z.strictObject({ userId: uuidSchema, sessionId: uuidSchema }))
    .mutation(async ({ ctx, input }) => {
      const client = { clientAddress: ctx.request.clientAddress, userAgent: ctx.request.userAgent };
      await revokeUserSession(ctx.app, ctx.token, input, client);
      return { ok: true as const };
    }),
});
