// Turns an API failure into a sentence a person can act on (apps/api/README.md, Errors). The API's own message is
// used where it is already meant for people: the password policy's reason.
import { describeApiError } from '@latchkey/client';

export type FormContext =
  | 'login'
  | 'signup'
  | 'change-password'
  | 'forgot-password'
  | 'reset-password'
  | 'verify-email'
  | 'change-email'
  | 'delete-account'
  | 'other';

/** One human sentence for a failed call. */
export function humanErrorMessage(error: unknown, context: FormContext = 'other'): string {
  const info = describeApiError(error);
  switch (info.code) {
    case null:
      return 'Could not reach the server. Check your connection and try again.';
    case 'TOO_MANY_REQUESTS':
      return `Too many attempts. Try again in ${formatWait(info.retryAfterSeconds ?? 60)}.`;
    case 'CONFLICT':
      if (context === 'verify-email') return 'Another account already uses this email address.';
      return context === 'signup' ? 'That username is taken. Choose another one.' : info.message;
    case 'PRECONDITION_FAILED':
      return 'Email and password reset are not enabled on this server.';
    case 'BAD_REQUEST':
      if (info.reason === 'LINK_INVALID')
        return 'This link is no longer valid: it was used, replaced by a newer one, or has expired. Ask for a new one.';
      return badRequestMessage(error, info.message);
    case 'FORBIDDEN':
      if (info.reason === 'SELF_TARGET') return 'An administrator cannot do that to their own account.';
      return info.reason === 'CSRF'
        ? 'The request was refused as cross-site. Reload the page and try again.'
        : 'You are not allowed to do that.';
    case 'UNAUTHORIZED':
      switch (info.reason) {
        case 'CREDENTIALS':
          if (context === 'delete-account') return 'The password is wrong.';
          return context === 'change-password'
            ? 'The current password is wrong.'
            : 'Wrong username or password.';
        case 'FRESH_LOGIN_REQUIRED':
          return context === 'change-email'
            ? 'For your safety, log out and log in again before changing your email address.'
            : context === 'delete-account'
              ? 'For your safety, log out and log in again before deleting your account.'
              : 'For your safety, log out and log in again before changing your password.';
        case 'REVOKED':
          return 'Your session was ended. Log in again.';
        default:
          return 'Your session has expired. Log in again.';
      }
    default:
      return 'Something went wrong on our side. Try again in a moment.';
  }
}

/** "45 seconds", "1 minute", "15 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 90)
    return `${Math.max(1, Math.round(seconds))} second${Math.round(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The first field error (password policy reason, username rules), or the API's message. */
function badRequestMessage(error: unknown, fallback: string): string {
  const fieldErrors = readFieldErrors(error);
  for (const [field, messages] of Object.entries(fieldErrors)) {
    const first = messages[0];
    if (first !== undefined) return `${fieldLabel(field)}: ${first}`;
  }
  return fallback;
}

function readFieldErrors(error: unknown): Record<string, string[]> {
  const data: unknown = (error as { data?: unknown } | null)?.data;
  const zodError: unknown = (data as { zodError?: unknown } | undefined)?.zodError;
  const fieldErrors: unknown = (zodError as { fieldErrors?: unknown } | undefined)?.fieldErrors;
  if (typeof fieldErrors !== 'object' || fieldErrors === null) return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(fieldErrors)) {
    if (Array.isArray(messages))
      result[field] = messages.filter((message): message is string => typeof message === 'string');
  }
  return result;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  username: 'Username',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  title: 'Task',
};

function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}
