// Input schemas shared by the routers. Every object is strict: an unknown key (`role` on signup, `ownerId` on a
// task) is a BAD_REQUEST, so mass assignment cannot happen even if a resolver spread its input. Every free-text
// field is built by textSchema (text-schema.ts); the others are enums and UUIDs, whose formats admit no NUL or
// surrogate either (inputs.test.ts checks every string field of every procedure).
import { PASSWORD_MAX_LENGTH } from '@latchkey/auth';
import { z } from 'zod';
import { DEVICE_TOKEN_MAX_LENGTH } from '../services/device-token.js';
import { normaliseEmail } from '../services/email-address.js';
import { textSchema } from './text-schema.js';

// ASCII letters, digits and . _ - only: no look-alike Unicode names ("аda" with a Cyrillic a).
export const usernameSchema = textSchema({ kind: 'name', minLength: 3, maxLength: 32 }).regex(
  /^[A-Za-z0-9._-]+$/,
  'letters, digits, dot, underscore and hyphen only',
);

// The policy (length, common passwords) is applied where a password is chosen; here only a hard size cap, so a
// huge value is a clean 400 before any hashing (NIST SP 800-63B allows a maximum).
export const passwordSchema = textSchema({
  kind: 'secret',
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH * 4,
});

export const refreshTransportSchema = z.enum(['cookie', 'body']).default('cookie');

// RFC 5321 caps a forward path at 256 octets, so an address at 254 characters. ASCII only, by zod's pattern
// (the one the HTML email input uses, less permissive); normalised once here (services/email-address.ts).
export const EMAIL_MAX_LENGTH = 254;
const emailText = textSchema({ kind: 'name', minLength: 3, maxLength: EMAIL_MAX_LENGTH, trim: true });
export const emailSchema = emailText
  .regex(z.regexes.email, 'must be an email address such as ada@example.com')
  .transform(normaliseEmail);

const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,32}$/;

// Who a reset is for: a username, or an address (with an `@`, which no username has), normalised the same way.
export const accountIdentifierSchema = emailText
  .refine(
    (value) => (value.includes('@') ? z.regexes.email.test(value) : USERNAME_PATTERN.test(value)),
    'must be a username or an email address',
  )
  .transform((value) => (value.includes('@') ? normaliseEmail(value) : value));

// The token of an emailed link: opaque and well under this; the exact format is checked by @latchkey/auth.
export const emailLinkTokenSchema = textSchema({ kind: 'secret', minLength: 1, maxLength: 256 });

export const credentialsInput = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  refreshTransport: refreshTransportSchema,
});

// The address is optional: the username flows stay as they are; without one there is no password reset.
export const signupInput = credentialsInput.extend({ email: emailSchema.optional() });

// A login may present the device token an earlier login returned in the body (non-browser clients; browsers
// send the cookie). Longer than any token issued, so it is a clean 400, never a lookup.
export const loginInput = credentialsInput.extend({
  deviceToken: textSchema({ kind: 'secret', minLength: 1, maxLength: DEVICE_TOKEN_MAX_LENGTH }).optional(),
});

// Opaque and well under this: the exact format is checked by @latchkey/auth.
export const refreshTokenSchema = textSchema({ kind: 'secret', minLength: 1, maxLength: 256 });

export const uuidSchema = z.uuid();
