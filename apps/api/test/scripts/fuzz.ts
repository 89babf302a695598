// The fuzz job: `pnpm --filter @latchkey/api fuzz [--runs 100000] [--workers 4] [--seed N]`.
// Sends generated requests to every procedure of a live server and fails on any 5xx, a dropped connection on a
// body within the limit, a server that no longer answers /healthz, or a request that made someone an admin.
import { parseArgs } from 'node:util';
import { runFuzz } from '../support/fuzz-run.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    workers: { type: 'string', default: '4' },
    seed: { type: 'string' },
  },
});
const runs = Number(values.runs);
const workers = Number(values.workers);
const seed = values.seed === undefined ? undefined : Number(values.seed);

const report = await runFuzz({ runs, workers, ...(seed === undefined ? {} : { seed }) });
const seconds = report.durationMs / 1000;
const statuses = Object.entries(report.byStatus)
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(
    ([status, count]) =>
      `${status === '-1' ? 'closed' : status}: ${count} (${((100 * count) / report.runs).toFixed(2)}%)`,
  );
console.log(
  `fuzz: ${report.runs} requests in ${seconds.toFixed(1)} s (${(report.runs / seconds).toFixed(0)} req/s), seeds ${report.seeds.join(',')}`,
);
console.log(`statuses: ${statuses.join(', ')}`);
const hostile = Object.entries(report.hostileTextByStatus)
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(([status, count]) => `${status === '-1' ? 'closed' : status}: ${count}`);
console.log(`well-formed calls with hostile text in one field: ${hostile.join(', ')}`);
console.log(`failures (5xx or dropped within the body limit): ${report.failures}`);
console.log(
  `/healthz after: ${report.healthzAfter}; unexpected admins: ${report.unexpectedAdmins}; Object.prototype polluted: ${report.prototypePolluted}`,
);
const ok =
  report.failures === 0 &&
  report.healthzAfter === 200 &&
  report.unexpectedAdmins === 0 &&
  !report.prototypePolluted;
process.exit(ok ? 0 : 1);
