import type { AuthState, User } from '@latchkey/client';
import { describe, expect, it } from 'vitest';
import { guardDecision } from './guard-decision.js';

const user = { id: 'u1', username: 'ada', role: 'user', createdAt: '2026-11-22T00:00:00.000Z' } as User;
const admin = { ...user, role: 'admin' } as User;
const signedIn: AuthState = { status: 'authenticated', user };

describe('guardDecision', () => {
  it('renders nothing protected while the session is restored or re-checked', () => {
    expect(guardDecision('protected', { status: 'restoring' }, true)).toEqual({ kind: 'wait' });
    // A back/forward re-check of a signed-in user still waits: the server may say the session was revoked.
    expect(guardDecision('protected', signedIn, true)).toEqual({ kind: 'wait' });
    expect(guardDecision('admin', { status: 'authenticated', user: admin }, true)).toEqual({ kind: 'wait' });
  });

  it('sends a logged-out visitor to the logged-out page and an ended session to login', () => {
    expect(guardDecision('protected', { status: 'anonymous', reason: 'logged-out' }, false)).toEqual({
      kind: 'redirect',
      to: '/logged-out',
    });
    for (const reason of ['none', 'revoked', 'expired', 'unreachable', 'account-deleted'] as const) {
      expect(guardDecision('protected', { status: 'anonymous', reason }, false)).toEqual({
        kind: 'redirect',
        to: '/login',
      });
    }
  });

  it('renders protected pages for a signed-in user once the check is done', () => {
    expect(guardDecision('protected', signedIn, false)).toEqual({ kind: 'render' });
  });

  it('keeps the admin page to admins', () => {
    expect(guardDecision('admin', signedIn, false)).toEqual({ kind: 'forbidden' });
    expect(guardDecision('admin', { status: 'authenticated', user: admin }, false)).toEqual({
      kind: 'render',
    });
  });

  it('sends a signed-in visitor of the front, login or signup page to the dashboard', () => {
    expect(guardDecision('guest', signedIn, false)).toEqual({ kind: 'redirect', to: '/dashboard' });
    expect(guardDecision('guest', signedIn, true)).toEqual({ kind: 'redirect', to: '/dashboard' });
    expect(guardDecision('guest', { status: 'restoring' }, true)).toEqual({ kind: 'wait' });
    expect(guardDecision('guest', { status: 'anonymous', reason: 'none' }, true)).toEqual({ kind: 'render' });
  });
});
