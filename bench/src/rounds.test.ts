import { describe, expect, it } from 'vitest';

import { roundOrder, runAlternatingRounds } from './rounds.js';

describe('roundOrder', () => {
  it('starts each round with the next contender, so none is always first', () => {
    const names = ['a', 'b', 'c'];
    expect(roundOrder(names, 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(names, 1)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(names, 2)).toEqual(['c', 'a', 'b']);
    expect(roundOrder(names, 3)).toEqual(['a', 'b', 'c']);
  });
});

describe('runAlternatingRounds', () => {
  it('measures every contender once per round and keeps results in round order', async () => {
    const calls: string[] = [];
    const contender = (name: string, values: number[]) => ({
      name,
      measure: () => {
        calls.push(name);
        return Promise.resolve(values[calls.filter((call) => call === name).length - 1] ?? -1);
      },
    });
    const results = await runAlternatingRounds([contender('a', [1, 2, 3]), contender('b', [10, 20, 30])], {
      rounds: 3,
    });
    expect(calls).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    expect(results.get('a')).toEqual([1, 2, 3]);
    expect(results.get('b')).toEqual([10, 20, 30]);
  });
});
