// What `auth.me` and a login cost in-process: `pnpm --filter @latchkey/api hot-path-cost [--calls 20000]`, on
// PGlite in memory, or on PostgreSQL with DATABASE_URL (a database it may write to; it migrates it). One API
// server and its client share this process over real HTTP; the figures are the process's CPU time per call
// (both sides, all threads) and the calls per second with 16 in flight. Logins run with argon2 at its smallest
// parameters, so their CPU is what a login costs besides argon2. To compare, not a test.
import { parseArgs } from 'node:util';
import { createPasswordHasher, generateJwtSecret } from '@latchkey/auth';
import { createDb } from '@latchkey/db';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startApiServer } from '../../src/start-server.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '20000' }, logins: { type: 'string', default: '2000' } },
});
const calls = Number(values.calls);
const logins = Number(values.logins);
const IN_FLIGHT = 16;

const url = process.env.DATABASE_URL;
const database = await createDb(url === undefined || url === '' ? {} : { url });
await database.migrate();
const config = loadConfig({
  NODE_ENV: 'test',
  JWT_SECRET: generateJwtSecret(),
  LOG_LEVEL: 'silent',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000000/15m',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '100000000/15m',
  RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000000/15m',
});
const passwords = createPasswordHasher({ memoryCostKiB: 8, timeCost: 1, parallelism: 1 });
const server = await startApiServer({
  config,
  database,
  port: 0,
  passwords,
  logger: pino({ level: 'silent' }),
});
const trpc = `${server.url}/trpc`;

async function call(procedure: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(`${trpc}/${procedure}`, init);
  const body = (await response.json()) as { result?: { data: unknown } };
  if (!response.ok) throw new Error(`${procedure}: ${response.status} ${JSON.stringify(body)}`);
  return body.result?.data;
}

const username = `cost_${Date.now()}`;
const password = 'correct horse battery staple';
const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const session = (await call('auth.signup', post({ username, password, refreshTransport: 'body' }))) as {
  accessToken: string;
};
const me: RequestInit = { headers: { authorization: `Bearer ${session.accessToken}` } };

/** Runs `work` `count` times, IN_FLIGHT at once; returns CPU microseconds per call and calls per second. */
async function measure(
  count: number,
  work: () => Promise<unknown>,
): Promise<{ cpuUs: number; perSecond: number }> {
  let left = count;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (left > 0) {
        left -= 1;
        await work();
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuUs: (cpu.user + cpu.system) / count, perSecond: count / seconds };
}

const line = (name: string, result: { cpuUs: number; perSecond: number }): string =>
  `${name}: ${result.cpuUs.toFixed(0)} us CPU per call, ${result.perSecond.toFixed(0)} calls/s`;

await measure(Math.min(calls, 2000), () => call('auth.me', me));
console.log(line(`auth.me (${database.kind})`, await measure(calls, () => call('auth.me', me))));
await measure(Math.min(calls, 2000), () => call('auth.token', me));
console.log(line(`auth.token (${database.kind})`, await measure(calls, () => call('auth.token', me))));
const login = post({ username, password, refreshTransport: 'body' });
await measure(Math.min(logins, 200), () => call('auth.login', login));
console.log(
  line(
    `auth.login, argon2 at m=8 t=1 (${database.kind})`,
    await measure(logins, () => call('auth.login', login)),
  ),
);
await server.close();
await database.close();
