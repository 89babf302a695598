// The soak job: `pnpm --filter @latchkey/api soak [--minutes 10] [--clients 8]` (DATABASE_URL: on that server,
// in a fresh database; else embedded PGlite). Measures capacity for 5 s, then holds 70% of it.
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@latchkey/db/testing';
import { describeSoak, runSoak } from '../support/soak-run.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, clients: { type: 'string', default: '8' } },
});
const minutes = Number(values.minutes);
const testDatabase = process.env.DATABASE_URL === undefined ? null : await createTestDatabase();
try {
  const report = await runSoak({
    durationMs: minutes * 60_000,
    capacityMs: 5_000,
    utilisation: 0.7,
    clients: Number(values.clients),
    databaseUrl: testDatabase?.url ?? null,
  });
  console.log(describeSoak(report, minutes));
  process.exitCode = report.failures === 0 ? 0 : 1;
} finally {
  await testDatabase?.dispose();
}
