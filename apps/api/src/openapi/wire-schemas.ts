// What the procedures answer, as zod schemas, for the OpenAPI document (openapi-document.ts). The routers do not
// declare `.output()` (tRPC would parse every answer on the hot path); instead procedure-docs.ts types each
// schema against the router's inferred output, so a field added to or dropped from an answer is a type error
// there, and openapi-wire.int.test.ts validates real answers against the document (strict objects: a field
// the document does not name fails it).
import { sessionEndReasons, userRoles } from '@latchkey/db';
import { z } from 'zod';
import type { AuthFailureReason } from '../errors.js';

const isoDateTime = z.iso.datetime({ offset: false });

export const userSchema = z.strictObject({
  id: z.uuid(),
  username: z.string(),
  role: z.enum(userRoles),
  createdAt: isoDateTime,
});

export const sessionSchema = z.strictObject({
  accessToken: z.string().describe('The access token (a JWT): send it as `Authorization: Bearer <token>`.'),
  accessTokenExpiresAt: isoDateTime,
  user: userSchema,
  refreshToken: z
    .string()
    .optional()
    .describe('Only with `refreshTransport: "body"` (else it is the httpOnly refresh cookie).'),
});

export const loginSessionSchema = sessionSchema.extend({
  deviceToken: z
    .string()
    .optional()
    .describe('Only with `refreshTransport: "body"`: present it as `deviceToken` in the next `auth.login`.'),
});

export const okSchema = z.strictObject({ ok: z.literal(true) });

export const tokenDescriptionSchema = z.strictObject({
  userId: z.uuid(),
  sessionId: z.uuid(),
  role: z.string(),
  issuedAt: isoDateTime,
  expiresAt: isoDateTime,
  authTime: isoDateTime,
  freshUntil: isoDateTime,
});

export const authSettingsSchema = z.strictObject({
  issuer: z.string(),
  audience: z.string(),
  algorithm: z.string(),
  accessTokenTtlSeconds: z.int(),
  sessionIdleSeconds: z.int(),
  sessionAbsoluteSeconds: z.int(),
  freshLoginSeconds: z.int(),
  password: z.strictObject({ minLength: z.int(), maxLength: z.int(), maxBytes: z.int() }),
  accountRecovery: z
    .boolean()
    .describe('Whether the email procedures work here (else they answer `412 RECOVERY_DISABLED`).'),
});

// routers/session-view.ts: one session as every sessions list puts it, the user's own live ones adding which
// is the caller's, the ended ones adding when and why.
export const sessionViewSchema = z.strictObject({
  id: z.uuid(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime,
  userAgent: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  deviceLabel: z.string(),
  signedInFrom: z.string().nullable().describe('The address of the login.'),
  lastUsedFrom: z
    .string()
    .nullable()
    .describe("The address of the latest refresh (the login's until the first one)."),
});

export const ownSessionViewSchema = sessionViewSchema.extend({
  current: z.boolean().describe('The session of the access token that asked.'),
});

export const endedSessionViewSchema = sessionViewSchema.extend({
  endedAt: isoDateTime,
  endedReason: z.enum(sessionEndReasons),
});

export const emailStatusSchema = z.strictObject({
  email: z.string().nullable().describe('The proven address, if any.'),
  verifiedAt: isoDateTime.nullable(),
  pending: z
    .strictObject({ email: z.string(), expiresAt: isoDateTime })
    .nullable()
    .describe('The address waiting for its verification link to be followed.'),
});

export const auditEventSchema = z.strictObject({
  id: z.int(),
  type: z.string(),
  sessionId: z.uuid().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoDateTime,
});

export const taskSchema = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  done: z.boolean(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const adminUserSchema = z.strictObject({
  id: z.uuid(),
  username: z.string(),
  role: z.enum(userRoles),
  createdAt: isoDateTime,
  disabledAt: isoDateTime.nullable(),
});

// Every reason errors.ts can send, and no other: a reason added there is a type error here until documented.
const authFailureReasons = {
  MISSING: 'MISSING',
  EXPIRED: 'EXPIRED',
  INVALID: 'INVALID',
  REVOKED: 'REVOKED',
  CREDENTIALS: 'CREDENTIALS',
  FRESH_LOGIN_REQUIRED: 'FRESH_LOGIN_REQUIRED',
  CSRF: 'CSRF',
  LINK_INVALID: 'LINK_INVALID',
  RECOVERY_DISABLED: 'RECOVERY_DISABLED',
  SELF_TARGET: 'SELF_TARGET',
} as const satisfies { [Reason in AuthFailureReason]: Reason };

// The tRPC error envelope (apps/api/README.md, Errors). Not strict: tRPC owns this shape and may add to it.
export const errorEnvelopeSchema = z.object({
  error: z.object({
    message: z
      .string()
      .describe('One sentence for a person or a log; switch on `data.code` and `data.reason`.'),
    code: z.int().describe('The JSON-RPC 2.0 error code tRPC pairs with `data.code`.'),
    data: z.object({
      code: z.string().describe('The tRPC code: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, ...'),
      httpStatus: z.int(),
      path: z.string().optional(),
      reason: z.enum(authFailureReasons).optional(),
      retryAfter: z.int().optional().describe('Seconds; also the Retry-After header.'),
      zodError: z
        .object({
          formErrors: z.array(z.string()),
          fieldErrors: z.record(z.string(), z.array(z.string())),
        })
        .optional(),
    }),
  }),
});

/** The shared shapes, named in the document's `components.schemas`. */
export const namedWireSchemas = {
  User: userSchema,
  Session: sessionSchema,
  LoginSession: loginSessionSchema,
  Ok: okSchema,
  TokenDescription: tokenDescriptionSchema,
  AuthSettings: authSettingsSchema,
  SessionView: sessionViewSchema,
  OwnSessionView: ownSessionViewSchema,
  EndedSessionView: endedSessionViewSchema,
  EmailStatus: emailStatusSchema,
  AuditEvent: auditEventSchema,
  Task: taskSchema,
  AdminUser: adminUserSchema,
  Error: errorEnvelopeSchema,
} as const;
