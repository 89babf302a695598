import { describe, expect, it } from 'vitest';
import { createAuthStateHolder } from './auth-state.js';
import type { AuthState } from './auth-state.js';
import type { User } from './session.js';

const ada: User = { id: 'u1', username: 'ada', role: 'user', createdAt: '2026-11-22T00:00:00.000Z' };

describe('auth state holder', () => {
  it('tells listeners about changes only, and stops after unsubscribe', () => {
    const holder = createAuthStateHolder({ status: 'restoring' });
    const seen: AuthState[] = [];
    const unsubscribe = holder.subscribe((state) => seen.push(state));
    holder.set({ status: 'authenticated', user: ada });
    holder.set({ status: 'authenticated', user: { ...ada } });
    holder.set({ status: 'authenticated', user: { ...ada, role: 'admin' } });
    holder.set({ status: 'anonymous', reason: 'revoked' });
    holder.set({ status: 'anonymous', reason: 'revoked' });
    unsubscribe();
    holder.set({ status: 'anonymous', reason: 'logged-out' });
    expect(seen.map((state) => (state.status === 'authenticated' ? state.user.role : state.status))).toEqual([
      'user',
      'admin',
      'anonymous',
    ]);
    expect(holder.get()).toEqual({ status: 'anonymous', reason: 'logged-out' });
  });

  it('keeps notifying the other listeners when one throws', async () => {
    const holder = createAuthStateHolder({ status: 'restoring' });
    const seen: string[] = [];
    holder.subscribe(() => {
      throw new Error('listener bug');
    });
    holder.subscribe((state) => seen.push(state.status));
    const reported = new Promise<unknown>((resolve) => {
      process.once('uncaughtException', resolve);
    });
    holder.set({ status: 'anonymous', reason: 'none' });
    expect(seen).toEqual(['anonymous']);
    await expect(reported).resolves.toMatchObject({ message: 'listener bug' });
  });
});
