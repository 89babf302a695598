import { describe, expect, it } from 'vitest';
import { endedReasonText } from './ended-reason.js';

describe('endedReasonText', () => {
  it.each([
    ['revoked-by-admin', 'Ended by an administrator'],
    ['password-reset', 'Ended by a password reset'],
    ['password-changed', 'Ended by a password change'],
    ['logout', 'Logged out'],
    ['logout-all', 'Logged out everywhere'],
    ['refresh-reuse', 'Ended because its refresh token was used twice (a possible theft)'],
  ] as const)('says %s as "%s"', (reason, text) => {
    expect(endedReasonText(reason)).toBe(text);
  });
});
