import { describe, expect, it } from 'vitest';

import { VerifiedTokenCache } from './verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  it('serves an entry until just before its expiry and never at or after it', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('token', 'value', 1000, 0);
    expect(cache.get('token', 999)).toBe('value');
    expect(cache.get('token', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.get('token', 10)).toBeUndefined();
  });

  it('does not store what is already expired', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('token', 'value', 1000, 1000);
    expect(cache.size).toBe(0);
  });

  it('matches only the exact token string', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('a.b.c', 'value', 1000, 0);
    for (const near of ['a.b.C', 'a.b.c ', ' a.b.c', 'a.b.', 'A.b.c'])
      expect(cache.get(near, 0)).toBeUndefined();
  });

  it('holds at most its size, evicting the least recently used entry', () => {
    const cache = new VerifiedTokenCache<number>(3);
    for (const [index, token] of ['t1', 't2', 't3'].entries()) cache.set(token, index, 1000, 0);
    expect(cache.get('t1', 0)).toBe(0);
    cache.set('t4', 3, 1000, 0);
    expect(cache.size).toBe(3);
    expect(cache.get('t2', 0)).toBeUndefined();
    expect([cache.get('t1', 0), cache.get('t3', 0), cache.get('t4', 0)]).toEqual([0, 2, 3]);
    for (let index = 0; index < 100; index++) cache.set(`bulk-${index}`, index, 1000, 0);
    expect(cache.size).toBe(3);
  });

  it('stores nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache<string>(0);
    cache.set('token', 'value', 1000, 0);
    expect(cache.get('token', 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
