import { AuthError, checkPasswordPolicy } from '@latchkey/auth';
import { ApiError } from '../errors.js';

/**
 * Applies the password policy (NIST SP 800-63B, in @latchkey/auth) and reports a refusal as a field error on
 * `field`, the same shape as zod's, so clients show it beside the right input.
 */
export function assertPasswordAllowed(password: string, options: { username: string; field: string }): void {
  try {
    checkPasswordPolicy(password, { username: options.username });
  } catch (error) {
    if (error instanceof AuthError && error.code === 'PASSWORD_POLICY') {
      throw new ApiError('INVALID_INPUT', {
        message: error.message,
        fieldErrors: { [options.field]: [error.message] },
        cause: error,
      });
    }
    throw error;
  }
}
