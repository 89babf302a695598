// The outage job: `pnpm --filter @latchkey/api outage [--rounds 3]`. A private PostgreSQL cluster is stopped
// (pg_ctl stop -m fast) and started again WHILE a mixed load runs, on an in-process API. Passes when, in every
// round: nothing throws uncaught, every DB-bound call during the outage answers 503 within 3 s (none hangs),
// /readyz answers 503, and the API serves again within 5 s of the restart. The regression check for SECURITY.md
// known gap 2: postgres.js 3.4.9's write/close race (porsager/postgres#1154, #1208; patches/postgres@3.4.9.patch)
// and its reconnect backoff growing to 20 s (capped in packages/db/src/postgres-database.ts) made these calls
// hang or crash the process. The default suite's faults.test.ts runs one such round.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '@latchkey/db';
import { GOOD_PASSWORD, startTestApi } from '../../src/testing/test-api.js';
import { prepareLoadClients, runMixedLoad } from '../support/mixed-load.js';
import { startPrivatePostgres } from '../support/private-postgres.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const uncaught: string[] = [];
process.on('uncaughtException', (error) => {
  uncaught.push(error.message);
});

const cluster = await startPrivatePostgres();
const database = await createDb({ url: cluster.url });
await database.migrate();
const api = await startTestApi({ database });
const clients = await prepareLoadClients(api, { count: 5, prefix: 'outage', password: GOOD_PASSWORD });
const [probe, ...loaders] = clients;
if (probe === undefined) throw new Error('no probe client');
const problems: string[] = [];

async function timed(url: string, init: RequestInit = {}): Promise<{ status: number | 'hung'; ms: number }> {
  const startedAt = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return { status: response.status, ms: Math.round(performance.now() - startedAt) };
  } catch {
    return { status: 'hung', ms: Math.round(performance.now() - startedAt) };
  }
}

for (let round = 1; round <= Number(values.rounds); round += 1) {
  let stop = false;
  const load = runMixedLoad(api, loaders, {
    durationMs: 120_000,
    ratePerSecond: null,
    thinkTimeMs: 10,
    stop: () => stop,
  });
  await sleep(1_000);
  await cluster.stop();
  const answers = {
    readyz: await timed(`${api.url}/readyz`),
    'auth.me': await timed(`${api.trpcUrl}/auth.me`, {
      headers: { authorization: `Bearer ${probe.accessToken}` },
    }),
    'auth.login': await timed(`${api.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: probe.username, password: GOOD_PASSWORD }),
    }),
  };
  for (const [name, answer] of Object.entries(answers))
    if (answer.status !== 503)
      problems.push(`round ${round}: ${name} answered ${answer.status} in ${answer.ms} ms during the outage`);
  await cluster.start();
  const restartedAt = performance.now();
  let recoveredMs: number | null = null;
  while (performance.now() - restartedAt < 15_000) {
    const me = await timed(`${api.trpcUrl}/auth.me`, {
      headers: { authorization: `Bearer ${probe.accessToken}` },
    });
    if (me.status === 200) {
      recoveredMs = Math.round(performance.now() - restartedAt);
      break;
    }
  }
  if (recoveredMs === null || recoveredMs > 5_000)
    problems.push(`round ${round}: recovery took ${recoveredMs ?? '> 15000'} ms`);
  stop = true;
  const stats = await load;
  console.log(
    `round ${round}: during the outage ${JSON.stringify(answers)}; recovered in ${recoveredMs ?? '> 15000'} ms; load ${JSON.stringify(stats.byStatus)}`,
  );
}
await api.close();
await database.close().catch(() => undefined);
await cluster.destroy();
for (const message of uncaught) problems.push(`uncaught exception: ${message}`);
console.log(
  problems.length === 0
    ? 'outage: all rounds passed'
    : `outage: ${problems.length} problems\n  ${problems.join('\n  ')}`,
);
process.exit(problems.length === 0 ? 0 : 1);
