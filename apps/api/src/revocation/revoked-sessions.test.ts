import { describe, expect, it } from 'vitest';
import { RevokedSessions } from './revoked-sessions.js';

function clock(start: number): { now: () => Date; advance: (seconds: number) => void } {
  let ms = start;
  return { now: () => new Date(ms), advance: (seconds) => (ms += seconds * 1000) };
}

describe('RevokedSessions', () => {
  it('holds a session until its access tokens have all expired, then forgets it', () => {
    const time = clock(Date.parse('2026-01-01T00:00:00Z'));
    const revoked = new RevokedSessions({ retentionSeconds: 930, now: time.now });
    revoked.add('a', time.now());
    expect(revoked.has('a')).toBe(true);
    time.advance(929);
    expect(revoked.has('a')).toBe(true);
    time.advance(2);
    expect(revoked.has('a')).toBe(false);
    expect(revoked.size).toBe(0);
  });

  it('counts retention from the revocation time, not from when it was heard of', () => {
    const time = clock(Date.parse('2026-01-01T00:00:00Z'));
    const revoked = new RevokedSessions({ retentionSeconds: 100, now: time.now });
    revoked.add('old', new Date(time.now().getTime() - 150_000));
    expect(revoked.has('old')).toBe(false);
    revoked.add('recent', new Date(time.now().getTime() - 50_000));
    expect(revoked.has('recent')).toBe(true);
  });

  it('prunes expired entries as new ones arrive, so memory tracks only recent revocations', () => {
    const time = clock(0);
    const revoked = new RevokedSessions({ retentionSeconds: 10, now: time.now });
    for (let index = 0; index < 1000; index += 1) revoked.add(`s${index}`, time.now());
    time.advance(11);
    revoked.add('fresh', time.now());
    expect(revoked.size).toBe(1);
  });
});
