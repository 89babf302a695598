import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { formatWait, humanErrorMessage } from './error-message.js';

/** The error a tRPC call rejects with, built from the API's error shape (the same path the client takes). */
function apiError(message: string, data: Record<string, unknown>): TRPCClientError<never> {
  return TRPCClientError.from({ error: { code: -32001, message, data } });
}

describe('humanErrorMessage', () => {
  it('says wrong credentials without telling which part was wrong', () => {
    const error = apiError('Invalid username or password', {
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      reason: 'CREDENTIALS',
    });
    expect(humanErrorMessage(error, 'login')).toBe('Wrong username or password.');
  });

  it('says the username is taken on signup', () => {
    expect(
      humanErrorMessage(apiError('Username already taken', { code: 'CONFLICT', httpStatus: 409 }), 'signup'),
    ).toBe('That username is taken. Choose another one.');
  });

  it("gives the password policy's reason from the API", () => {
    const error = apiError('Password is too common', {
      code: 'BAD_REQUEST',
      httpStatus: 400,
      zodError: { formErrors: [], fieldErrors: { password: ['This password is too common'] } },
    });
    expect(humanErrorMessage(error, 'signup')).toBe('Password: This password is too common');
  });

  it('tells how long to wait when rate limited', () => {
    const error = apiError('Too many attempts', {
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      retryAfter: 840,
    });
    expect(humanErrorMessage(error, 'login')).toBe('Too many attempts. Try again in 14 minutes.');
  });

  it('says the server could not be reached for a network failure', () => {
    expect(humanErrorMessage(new TypeError('fetch failed'))).toBe(
      'Could not reach the server. Check your connection and try again.',
    );
  });
});

describe('formatWait', () => {
  it.each([
    [1, '1 second'],
    [45, '45 seconds'],
    [89, '89 seconds'],
    [90, '2 minutes'],
    [900, '15 minutes'],
  ])('%i s reads "%s"', (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});
