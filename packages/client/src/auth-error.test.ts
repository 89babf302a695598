import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeApiError, isUnauthorized } from './auth-error.js';

/** The error a call rejects with, built from the API's error shape the way @trpc/client builds it. */
function apiError(data: Record<string, unknown>): TRPCClientError<never> {
  return TRPCClientError.from({ error: { code: -32001, message: 'Access token expired', data } });
}

describe('describeApiError', () => {
  it('reads the code, status and reason of an auth failure', () => {
    const info = describeApiError(apiError({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'EXPIRED' }));
    expect(info).toEqual({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      reason: 'EXPIRED',
      retryAfterSeconds: null,
      message: 'Access token expired',
    });
  });

  it('reads the retry delay of a rate limit', () => {
    expect(
      describeApiError(apiError({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter: 42 })),
    ).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: 42,
      reason: null,
    });
  });

  it('reads SELF_TARGET, an admin acting on their own account', () => {
    expect(describeApiError(apiError({ code: 'FORBIDDEN', reason: 'SELF_TARGET' })).reason).toBe(
      'SELF_TARGET',
    );
  });

  it('ignores a reason it does not know instead of passing it on', () => {
    expect(describeApiError(apiError({ code: 'UNAUTHORIZED', reason: 'SOMETHING_ELSE' })).reason).toBeNull();
  });

  it('reports a failure that never reached the API with a null code', () => {
    expect(describeApiError(new TypeError('fetch failed'))).toMatchObject({
      code: null,
      message: 'fetch failed',
    });
    expect(describeApiError('weird')).toMatchObject({ code: null, message: 'weird' });
  });
});

describe('isUnauthorized', () => {
  it('matches the code, and the reason when one is asked for', () => {
    const revoked = apiError({ code: 'UNAUTHORIZED', reason: 'REVOKED' });
    expect(isUnauthorized(revoked)).toBe(true);
    expect(isUnauthorized(revoked, 'REVOKED')).toBe(true);
    expect(isUnauthorized(revoked, 'EXPIRED')).toBe(false);
    expect(isUnauthorized(apiError({ code: 'FORBIDDEN', reason: 'CSRF' }))).toBe(false);
  });
});
