import { z } from 'zod';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
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
import { answerTransport, presentedRefreshToken } from './presented-refresh-token.js';
import { deliverSession, withoutRefreshToken } from './session-response.js';

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

