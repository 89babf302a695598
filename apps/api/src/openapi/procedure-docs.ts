// One row per procedure of the router: what the OpenAPI document says about it beyond its input schema (which
// comes from the router itself). The table is typed by the router: a procedure added without a row, or a row
// left behind by a removed one, is a type error, and so is an output schema that lacks a field the procedure
// answers with. The `dev` router is left out (DevelopmentOnlyPath below).
import type { inferRouterOutputs } from '@trpc/server';
import { z } from 'zod';
import type { AppRouter } from '../router.js';
import {
  adminUserSchema,
  auditEventSchema,
  authSettingsSchema,
  emailStatusSchema,
  endedSessionViewSchema,
  loginSessionSchema,
  okSchema,
  ownSessionViewSchema,
  sessionSchema,
  sessionViewSchema,
  taskSchema,
  tokenDescriptionSchema,
  userSchema,
} from './wire-schemas.js';

type Outputs = inferRouterOutputs<AppRouter>;

/** `auth.login`, `tasks.list`, ...: every procedure the router serves. */
export type ProcedurePath = {
  [Router in Extract<keyof Outputs, string>]: `${Router}.${Extract<keyof Outputs[Router], string>}`;
}[Extract<keyof Outputs, string>];

/**
 * The procedures of the `dev` router (`dev.mailbox`), which exist only outside production and answer NOT_FOUND
 * in it. The document is the same file in every environment (served at /openapi.json in production too), so it
 * describes only what every environment serves; like the development-only /docs page, they stay out of it.
 */
export type DevelopmentOnlyPath = Extract<ProcedurePath, `dev.${string}`>;

/** Whether a procedure is development-only, so left out of the document (DevelopmentOnlyPath). */
export function isDevelopmentOnlyPath(path: string): boolean {
  return path.startsWith('dev.');
}

/** Every procedure the document describes. */
export type DocumentedPath = Exclude<ProcedurePath, DevelopmentOnlyPath>;

type OutputOf<Path extends ProcedurePath> =
  Path extends `${infer Router extends Extract<keyof Outputs, string>}.${infer Name}`
    ? Name extends keyof Outputs[Router]
      ? Outputs[Router][Name]
      : never
    : never;

/**
 * How a caller proves who it is. `refresh-token`: the refresh token in the input (non-browser clients), else
 * the refresh cookie (browsers; CSRF-checked). `refresh-token-or-bearer` adds the access token as a fallback.
 */
export type ProcedureAccess = 'public' | 'bearer' | 'refresh-token' | 'refresh-token-or-bearer';

/** Statuses a call may answer with besides 200, each with the error envelope (apps/api/README.md, Errors). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 429;

export interface ProcedureDoc<Output> {
  summary: string;
  description?: string;
  access: ProcedureAccess;
  output: z.ZodType<Output>;
  errors: readonly ErrorStatus[];
}

const userFacingAuthErrors = [400, 401] as const satisfies readonly ErrorStatus[];

export const procedureDocs: { [Path in DocumentedPath]: ProcedureDoc<OutputOf<Path>> } = {
  'auth.signup': {
    summary: 'Create an account and its first session',
    description:
      'The role is always `user`. With `refreshTransport: "body"` the refresh token comes in the answer; by default it is set as the httpOnly refresh cookie. With `email`, a verification link is mailed to it (`412 RECOVERY_DISABLED` on a server without account recovery); the address is the account\'s once the link is followed (`auth.verifyEmail`).',
    access: 'public',
    output: sessionSchema,
    errors: [400, 409, 412, 429],
  },
  'auth.login': {
    summary: 'Log in with a username and password',
    description:
      'Also issues a device token (the `latchkey-device` cookie, or `deviceToken` in the answer with `refreshTransport: "body"`); presenting it on the next login keeps this device out of the lock-out strangers can cause.',
    access: 'public',
    output: loginSessionSchema,
    errors: [400, 401, 429],
  },
  'auth.refresh': {
    summary: 'Trade a refresh token for a new session',
    description:
      'The refresh token rotates on every use and the new one goes back the way the old one came (body in, body out; cookie in, cookie out). Presenting a rotated token after the grace window revokes the whole session.',
    access: 'refresh-token',
    output: sessionSchema,
    errors: [400, 401, 403],
  },
  'auth.logout': {
    summary: 'Revoke this session',
    description:
      'By the refresh token (input or cookie), else by the access token. A token of no live session is `401 INVALID`.',
    access: 'refresh-token-or-bearer',
    output: okSchema,
    errors: [400, 401, 403],
  },
  'auth.logoutAll': {
    summary: "Revoke every session of the caller's account, this one included",
    access: 'bearer',
    output: z.strictObject({ revoked: z.int().nonnegative() }),
    errors: [401],
  },
  'auth.settings': {
    summary:
      'What this server enforces: token lifetimes, the fresh-login window, the password rules, whether account recovery is on',
    access: 'public',
    output: authSettingsSchema,
    errors: [],
  },
  'auth.token': {
    summary: "The caller's access token as the server verified it",
    access: 'bearer',
    output: tokenDescriptionSchema,
    errors: [401],
  },
  'auth.me': {
    summary: 'The signed-in user',
    access: 'bearer',
    output: userSchema,
    errors: [401],
  },
  'auth.sessions': {
    summary: "The caller's live sessions, the current one marked",
    access: 'bearer',
    output: z.array(ownSessionViewSchema),
    errors: [401],
  },
  'auth.endedSessions': {
    summary: "The caller's last 20 ended sessions (not merely expired), most recently ended first, and why",
    access: 'bearer',
    output: z.array(endedSessionViewSchema),
    errors: [401],
  },
  'auth.revokeSession': {
    summary: 'Revoke one of my sessions',
    access: 'bearer',
    output: okSchema,
    errors: [400, 401, 404],
  },
  'auth.changePassword': {
    summary: 'Change my password; every other session is revoked',
    description:
      'Needs a login within the fresh-login window (`401 FRESH_LOGIN_REQUIRED` otherwise). Answers a fresh access token and no refresh token: this session keeps the one it has.',
    access: 'bearer',
    output: sessionSchema,
    // 429: the current password is counted like a login attempt.
    errors: [400, 401, 429],
  },
  'auth.email': {
    summary: "The account's proven address, and the one waiting for its verification link",
    access: 'bearer',
    output: emailStatusSchema,
    errors: [401],
  },
  'auth.changeEmail': {
    summary: 'Start a change of address: the new one is mailed a verification link',
    description:
      "Needs a login within the fresh-login window. The address becomes the account's only once the link is followed (`auth.verifyEmail`), and the old address is told then. Rate limited per caller and per address.",
    access: 'bearer',
    output: z.strictObject({ pending: z.string() }),
    errors: [400, 401, 412, 429],
  },
  'auth.verifyEmail': {
    summary: "Follow a verification link: the address becomes the account's",
    description:
      'A token that is unknown, used, replaced by a newer one or expired is `400 LINK_INVALID`; an address another account proved first is `409`.',
    access: 'public',
    output: z.strictObject({ email: z.string() }),
    errors: [400, 409, 412],
  },
  'auth.requestPasswordReset': {
    summary: 'Mail a password reset link to the verified address of an account',
    description:
      'The identifier is a username or an address. The answer is the same whether it names an account or not, and a link goes only to an address the account proved.',
    access: 'public',
    output: okSchema,
    errors: [400, 412, 429],
  },
  'auth.resetPassword': {
    summary: "Set a new password with a reset link's token; every session of the account is revoked",
    description:
      'The token works once, and only the newest one of the account (`400 LINK_INVALID` otherwise). The password rules apply; the address is told of the change.',
    access: 'public',
    output: okSchema,
    errors: [400, 412],
  },
  'auth.deleteAccount': {
    summary: "Delete the caller's account: the user, its tasks and every session, at once",
    description:
      'Needs a login within the fresh-login window and the password in the call (`401 CREDENTIALS` when wrong, nothing deleted; counted like a login attempt).',
    access: 'bearer',
    output: okSchema,
    errors: [400, 401, 429],
  },
  'auth.auditEvents': {
    summary: 'My last 100 audit events, newest first',
    access: 'bearer',
    output: z.array(auditEventSchema),
    errors: [401],
  },
  'tasks.list': {
    summary: 'My tasks, oldest first',
    access: 'bearer',
    output: z.array(taskSchema),
    errors: [401],
  },
  'tasks.create': {
    summary: 'Create a task',
    access: 'bearer',
    output: taskSchema,
    errors: userFacingAuthErrors,
  },
  'tasks.update': {
    summary: 'Change the title or done state of one of my tasks',
    access: 'bearer',
    output: taskSchema,
    errors: [400, 401, 404],
  },
  'tasks.delete': {
    summary: 'Delete one of my tasks',
    access: 'bearer',
    output: okSchema,
    errors: [400, 401, 404],
  },
  'admin.users': {
    summary: 'Every user (role admin)',
    access: 'bearer',
    output: z.array(adminUserSchema),
    errors: [401, 403],
  },
  'admin.setRole': {
    summary: "Set a user's role (role admin)",
    access: 'bearer',
    output: adminUserSchema,
    errors: [400, 401, 403, 404],
  },
  'admin.disableUser': {
    summary: 'Disable a user; every session of theirs is revoked at once (role admin)',
    description: "The admin's own account is `403 SELF_TARGET`.",
    access: 'bearer',
    output: adminUserSchema,
    errors: [400, 401, 403, 404],
  },
  'admin.enableUser': {
    summary: 'Let a disabled user log in again; their sessions stay revoked (role admin)',
    access: 'bearer',
    output: adminUserSchema,
    errors: [400, 401, 403, 404],
  },
  'admin.userSessions': {
    summary: "A user's live sessions, most recently used first (role admin)",
    access: 'bearer',
    output: z.array(sessionViewSchema),
    errors: [400, 401, 403, 404],
  },
  'admin.revokeSession': {
    summary: 'Revoke one live session of a user at once (role admin)',
    description:
      "Not a live session of that user: `404`. The admin's own session is `403 SELF_TARGET` (`auth.revokeSession` ends it).",
    access: 'bearer',
    output: okSchema,
    errors: [400, 401, 403, 404],
  },
};
