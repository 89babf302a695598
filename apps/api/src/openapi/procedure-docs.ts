// One row per procedure of the router: what the OpenAPI document says about it beyond its input schema (which
// comes from the router itself). The table is typed by the router: a procedure added without a row, or a row
// left behind by a removed one, is a type error, and so is an output schema that lacks a field the procedure
// answers with.
import type { inferRouterOutputs } from '@trpc/server';
import { z } from 'zod';
import type { AppRouter } from '../router.js';
import {
  adminUserSchema,
  auditEventSchema,
  authSettingsSchema,
  loginSessionSchema,
  okSchema,
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
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 429;

export interface ProcedureDoc<Output> {
  summary: string;
  description?: string;
  access: ProcedureAccess;
  output: z.ZodType<Output>;
  errors: readonly ErrorStatus[];
}

const userFacingAuthErrors = [400, 401] as const satisfies readonly ErrorStatus[];

export const procedureDocs: { [Path in ProcedurePath]: ProcedureDoc<OutputOf<Path>> } = {
  'auth.signup': {
    summary: 'Create an account and its first session',
    description:
      'The role is always `user`. With `refreshTransport: "body"` the refresh token comes in the answer; by default it is set as the httpOnly refresh cookie.',
    access: 'public',
    output: sessionSchema,
    errors: [400, 409, 429],
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
    summary: 'What this server enforces: token lifetimes, the fresh-login window, the password rules',
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
    output: z.array(sessionViewSchema),
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
    errors: userFacingAuthErrors,
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
    access: 'bearer',
    output: adminUserSchema,
    errors: [400, 401, 403, 404],
  },
};
