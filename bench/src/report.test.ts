import { describe, expect, it } from 'vitest';

import {
  formatFigure,
  formatGoalTarget,
  formatRatio,
  formatSection,
  meetsGoal,
  skippedSection,
  verdict,
} from './report.js';
import type { Row } from './report.js';
import type { Section } from './report.js';

describe('formatFigure and formatRatio', () => {
  it('prints large figures as grouped integers and small ones with a few significant digits', () => {
    expect(formatFigure(1_234_567.8)).toBe('1,234,568');
    expect(formatFigure(42.345)).toBe('42.3');
    expect(formatFigure(3.14159)).toBe('3.14');
    expect(formatFigure(0.012345)).toBe('0.0123');
  });

  it('prints ratios with two decimals, three under 0.1', () => {
    expect(formatRatio(0.97)).toBe('0.97');
    expect(formatRatio(1)).toBe('1.00');
    expect(formatRatio(0.0394)).toBe('0.039');
  });
});

describe('meetsGoal', () => {
  it('reads "at least" and "at most" inclusively', () => {
    expect(meetsGoal(0.97, { comparison: 'at least', value: 0.97 })).toBe(true);
    expect(meetsGoal(0.969, { comparison: 'at least', value: 0.97 })).toBe(false);
    expect(meetsGoal(1.5, { comparison: 'at most', value: 1.5 })).toBe(true);
    expect(meetsGoal(1.51, { comparison: 'at most', value: 1.5 })).toBe(false);
  });

  it('reads "between" inclusively at both ends', () => {
    const goal = { comparison: 'between', low: 0.8, high: 1.25 } as const;
    expect([0.8, 1, 1.25].map((ratio) => meetsGoal(ratio, goal))).toEqual([true, true, true]);
    expect([0.79, 1.26].map((ratio) => meetsGoal(ratio, goal))).toEqual([false, false]);
  });
});

describe('verdict', () => {
  const atMost = { comparison: 'at most', value: 1.5 } as const;
  const row = (fields: Partial<Row>): Row => ({
    name: 'p99 loaded / idle',
    value: null,
    unit: '',
    ratio: 1.2,
    against: 'idle',
    goal: atMost,
    ...fields,
  });

  it('reads the ratio, or the figure itself for a row with no ratio', () => {
    expect(verdict(row({ ratio: 1.2 }))).toBe('met');
    expect(verdict(row({ ratio: 1.6 }))).toBe('MISSED');
    const latency = row({ value: 72, unit: 'ms', ratio: null, goal: { comparison: 'at most', value: 50 } });
    expect(verdict(latency)).toBe('MISSED');
    expect(verdict({ ...latency, value: 12 })).toBe('met');
    expect(formatGoalTarget(latency)).toBe('<= 50.0 ms');
  });

  it('settles a goal over several runs only when every run agrees', () => {
    expect(verdict(row({ ratio: 1.2, runs: [1.1, 1.2, 1.5] }))).toBe('met');
    expect(verdict(row({ ratio: 1.6, runs: [1.6, 2.8, 1.51] }))).toBe('MISSED');
    // The median run meets the goal, but one run does not: not judged either way.
    expect(verdict(row({ ratio: 1.2, runs: [1.1, 1.2, 2.8] }))).toBe('unsettled');
  });

  it('has no verdict without a goal or without a figure', () => {
    expect(verdict(row({ goal: undefined }))).toBeNull();
    expect(verdict(row({ ratio: null, value: null }))).toBeNull();
  });
});

describe('formatSection', () => {
  const section: Section = {
    id: 'http',
    title: '2. HTTP',
    rows: [
      { name: 'bare', value: 40_000, unit: 'req/s', ratio: 1, against: 'bare' },
      { name: 'protected', value: 900.5, unit: 'req/s', ratio: 0.0234, against: 'bare' },
      {
        name: 'protected/public',
        value: null,
        unit: '',
        ratio: 0.98,
        against: 'public',
        goal: { comparison: 'at least', value: 0.97 },
      },
      {
        name: 'p99 loaded/idle',
        value: null,
        unit: '',
        ratio: 3.5,
        against: 'idle',
        goal: { comparison: 'at most', value: 1.5 },
      },
      {
        name: 'unknown/wrong',
        value: null,
        unit: '',
        ratio: 1.02,
        against: 'wrong',
        goal: { comparison: 'between', low: 0.8, high: 1.25 },
      },
      {
        name: 'p99 over runs',
        value: null,
        unit: '',
        ratio: 1.55,
        against: 'idle',
        goal: { comparison: 'at most', value: 1.5 },
        runs: [1.2, 1.9],
      },
    ],
    notes: ['measured on loopback'],
    skipped: null,
  };

  it('prints a heading, aligned columns, goal verdicts and the notes', () => {
    const lines = formatSection(section).split('\n');
    expect(lines[0]).toBe('== 2. HTTP ==');
    expect(lines[1]).toMatch(/^contender\s+median\s+unit\s+ratio\s+against\s+goal\s+note$/);
    const ratioColumn = lines[1]?.indexOf('ratio') ?? -1;
    // Numbers are right-aligned: every ratio ends where the "ratio" header ends.
    for (const line of lines.slice(3, 9)) expect(line.slice(0, ratioColumn + 5)).toMatch(/\d$/);
    expect(lines[3]).toContain('40,000');
    expect(lines[4]).toContain('0.023');
    expect(lines[5]).toContain('>= 0.97 met');
    expect(lines[6]).toContain('<= 1.50 MISSED');
    expect(lines[7]).toContain('0.80-1.25 met');
    expect(lines[8]).toContain('<= 1.50 unsettled (runs: 1.20, 1.90)');
    expect(lines.at(-1)).toBe('  * measured on loopback');
  });

  it('prints the reason instead of a table for a skipped section', () => {
    expect(formatSection(skippedSection('refresh', '4. Refresh', 'DATABASE_URL is unset'))).toBe(
      '== 4. Refresh ==\nskipped: DATABASE_URL is unset',
    );
  });
});
