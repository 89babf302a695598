import { describe, expect, it } from 'vitest';

import { verdict } from './report.js';
import { revocationSection } from './revocation.js';

describe('revocationSection', () => {
  // 100 revocations: 1..100 ms from the revoking write, answered 5 ms before B refused, sent 20 ms before.
  const timings = Array.from({ length: 100 }, (_, index) => ({
    fromWriteMs: index + 1,
    fromRequestMs: index + 21,
    fromAnswerMs: Math.max(0, index - 4),
  }));
  const section = revocationSection(timings, 100);
  const [p50, p99, answeredP50, answeredP99, sentP99] = section.rows;

  it('reports p50 and p99 of both bounds, and the p99 from the logout sent', () => {
    expect(p50?.value).toBeCloseTo(50.5);
    expect(p99?.value).toBeCloseTo(99.01);
    expect(answeredP50?.value).toBeCloseTo(45.5);
    expect(answeredP99?.value).toBeCloseTo(94.01);
    expect(sentP99?.value).toBeCloseTo(119.01);
  });

  it('judges the upper bound p99 against 50 ms, and only it', () => {
    expect(section.rows.filter((row) => row.goal !== undefined)).toEqual([p99]);
    expect(p99 === undefined ? null : verdict(p99)).toBe('MISSED');
    const fast = revocationSection(
      timings.map((timing) => ({ ...timing, fromWriteMs: timing.fromWriteMs / 4 })),
      100,
    );
    expect(fast.rows[1] === undefined ? null : verdict(fast.rows[1])).toBe('met');
  });
});
