// Property-based fuzzing of every procedure over HTTP (the default-suite run; `pnpm --filter @latchkey/api fuzz`
// runs 100,000): whatever a caller sends, the answer is never a 5xx, the server stays up, and no generated
// request can make anyone an admin or pollute Object.prototype.
import { expect, it } from 'vitest';
import { runFuzz } from './support/fuzz-run.js';

it('answers 1,500 generated requests to every procedure without a 5xx, and stays up', async () => {
  const report = await runFuzz({ runs: 1_500, workers: 4 });
  expect(report.failures, `seeds ${report.seeds.join(',')}: ${JSON.stringify(report.byStatus)}`).toBe(0);
  expect(report.runs).toBeGreaterThanOrEqual(1_500);
  expect(Object.keys(report.byStatus).filter((status) => Number(status) >= 500)).toEqual([]);
  // The mix reaches the resolvers, not only the guards: successes, refusals and validation errors all occur.
  expect(report.byStatus['200']).toBeGreaterThan(0);
  expect(report.byStatus['400']).toBeGreaterThan(0);
  expect(report.byStatus['401']).toBeGreaterThan(0);
  // Hostile text (NUL, lone surrogates, controls, overlong values) reached the text fields and was refused.
  expect(report.hostileTextByStatus['400']).toBeGreaterThan(0);
  expect(report.healthzAfter).toBe(200);
  expect(report.unexpectedAdmins).toBe(0);
  expect(report.prototypePolluted).toBe(false);
}, 120_000);
