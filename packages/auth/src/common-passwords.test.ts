import { describe, expect, it } from 'vitest';

import { loadCommonPasswords } from './common-passwords.js';

describe('the bundled common-password list', () => {
  const list = loadCommonPasswords();

  it('holds at least 10,000 entries, normalised as the policy matches them', () => {
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    for (const entry of list) {
      expect(entry).toBe(entry.normalize('NFKC').toLowerCase());
      expect(Array.from(entry).length).toBeGreaterThanOrEqual(8);
    }
  });

  it('contains the passwords every breach list starts with, and not its licence header', () => {
    for (const known of ['password', '12345678', 'qwertyuiop', 'iloveyou', 'trustno1'])
      expect(list.has(known)).toBe(true);
    expect([...list].some((entry) => entry.startsWith('#'))).toBe(false);
  });
});
