import { AuthError } from '@latchkey/auth';
import { describe, expect, it } from 'vitest';
import { ApiError, errorDetails, toTRPCError, type ApiErrorCode } from './errors.js';

describe('the error table', () => {
  it.each<[ApiErrorCode, string, string | undefined]>([
    ['TOKEN_MISSING', 'UNAUTHORIZED', 'MISSING'],
    ['TOKEN_EXPIRED', 'UNAUTHORIZED', 'EXPIRED'],
    ['TOKEN_INVALID', 'UNAUTHORIZED', 'INVALID'],
    ['SESSION_REVOKED', 'UNAUTHORIZED', 'REVOKED'],
    ['CREDENTIALS', 'UNAUTHORIZED', 'CREDENTIALS'],
    ['FRESH_LOGIN_REQUIRED', 'UNAUTHORIZED', 'FRESH_LOGIN_REQUIRED'],
    ['ROLE_TOO_LOW', 'FORBIDDEN', undefined],
    ['ADMIN_SELF_TARGET', 'FORBIDDEN', 'SELF_TARGET'],
    ['CSRF_REJECTED', 'FORBIDDEN', 'CSRF'],
    ['USERNAME_TAKEN', 'CONFLICT', undefined],
    ['RATE_LIMITED', 'TOO_MANY_REQUESTS', undefined],
    ['INVALID_INPUT', 'BAD_REQUEST', undefined],
    ['STREAMED_COOKIE_CALL', 'BAD_REQUEST', undefined],
  ])('%s → %s %s', (code, trpcCode, reason) => {
    const error = new ApiError(code);
    expect(toTRPCError(error)?.code).toBe(trpcCode);
    expect(errorDetails(error).reason).toBe(reason);
  });

  it('maps @latchkey/auth errors, and leaves anything else a fault', () => {
    expect(toTRPCError(new AuthError('TOKEN_EXPIRED', 'EXPIRED'))?.code).toBe('UNAUTHORIZED');
    expect(errorDetails(new AuthError('TOKEN_INVALID', 'BAD_SIGNATURE')).reason).toBe('INVALID');
    expect(toTRPCError(new AuthError('PASSWORD_POLICY', 'TOO_SHORT'))?.code).toBe('BAD_REQUEST');
    expect(toTRPCError(new Error('database down'))).toBeNull();
  });

  it('carries retryAfter and field errors', () => {
    expect(errorDetails(new ApiError('RATE_LIMITED', { retryAfterSeconds: 42 }))).toEqual({ retryAfter: 42 });
    expect(errorDetails(new ApiError('INVALID_INPUT', { fieldErrors: { password: ['too short'] } }))).toEqual(
      {
        fieldErrors: { password: ['too short'] },
      },
    );
  });
});
