import { describe, expect, it } from 'vitest';
import { readLoggedOutState } from './logged-out-state.js';

describe('readLoggedOutState', () => {
  it('reads what the logout left', () => {
    expect(readLoggedOutState({ revokedOnServer: true })).toEqual({ revokedOnServer: true });
    expect(readLoggedOutState({ revokedOnServer: false })).toEqual({ revokedOnServer: false });
  });

  it.each([null, undefined, 'revoked', {}, { revokedOnServer: 'yes' }])(
    'claims nothing for any other history state (%s)',
    (state) => {
      expect(readLoggedOutState(state)).toBeNull();
    },
  );
});
