// Benchmark 7: password-reset requests, timed per kind of identifier. `auth.requestPasswordReset` must answer
// the same and as fast whether or not the identifier names an account, and whether or not that account has a
// verified address (apps/api/src/services/password-reset.ts; its tests count the work). This is where the
// time that work adds up to is compared: one request at a time, each kind in turn in alternated rounds, the
// p50 and p99 of each kind against the unknown username's, on PostgreSQL and on the embedded database.
//
// The API runs as deployed with recovery on (ACCOUNT_RECOVERY=1, MAIL_URL to an SMTP server in the bench
// process that discards what it accepts, MAIL_FROM, PUBLIC_WEB_URL), only the recovery rate limits raised.
import { randomUUID } from 'node:crypto';

import { randomPassword, signUp } from './api-client.js';
import type { Section } from './report.js';
import { resetTimingRows, roundPercentiles } from './reset-timing.js';
import type { KindRounds, RoundPercentiles } from './reset-timing.js';
import { runAlternatingRounds } from './rounds.js';
import { startDiscardingMailServer } from './servers/discarding-mail-server.js';
import type { DiscardingMailServer } from './servers/discarding-mail-server.js';
import { startLatchkeyServers } from './servers/latchkey-servers.js';
import type { DatabaseTarget } from './servers/latchkey-servers.js';

export interface PasswordResetBenchOptions {
  /** Seconds per kind per round. */
  seconds: number;
  rounds: number;
  /** The PostgreSQL server the API's scratch database goes on. */
  databaseUrl: string;
  log: (line: string) => void;
}

/** Where the emailed links point; never followed by a browser here, only read for the verification token. */
const PUBLIC_WEB_URL = 'https://app.latchkey.test';

/** The baseline first: every ratio is taken against it. */
const KINDS = [
  'unknown username',
  'unknown address',
  'known username, verified address',
  'its verified address',
  'known username, no address',
] as const;
type IdentifierKind = (typeof KINDS)[number];

/** A fresh name each time, as an enumerating stranger would try: no limiter or cache row is ever reused. */
function ghostName(): string {
  return `ghost-${randomUUID().slice(0, 12)}`;
}

async function mutate(baseUrl: string, procedure: string, input: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}`);
}

/** One account with an address verified through the real link from the mail server, and one without. */
async function prepareAccounts(
  url: string,
  mail: DiscardingMailServer,
): Promise<{ verifiedUsername: string; verifiedAddress: string; plainUsername: string }> {
  const verifiedUsername = `bench-reset-${randomUUID().slice(0, 8)}`;
  const verifiedAddress = `${verifiedUsername}@example.com`;
  const plainUsername = `bench-plain-${randomUUID().slice(0, 8)}`;
  // Waiting starts before the signup: the verification mail leaves off the request path, maybe before it answers.
  const verificationToken = mail.nextLinkToken(verifiedAddress, 'verify-email');
  const signUpWithAddress = await fetch(`${url}/trpc/auth.signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: verifiedUsername, password: randomPassword(), email: verifiedAddress }),
  });
  await signUpWithAddress.arrayBuffer();
  if (!signUpWithAddress.ok) throw new Error(`auth.signup with an address answered ${signUpWithAddress.status}`);
  await mutate(url, 'auth.verifyEmail', { token: await verificationToken });
  await signUp(url, { username: plainUsername, password: randomPassword() });
  return { verifiedUsername, verifiedAddress, plainUsername };
}

/** The latencies of reset requests sent one at a time for `seconds`; anything but 200 is a broken benchmark. */
async function resetLatenciesMs(url: string, identifier: () => string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const body = JSON.stringify({ identifier: identifier() });
    const started = performance.now();
    const response = await fetch(`${url}/trpc/auth.requestPasswordReset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`a reset request answered ${response.status}, not 200`);
  }
  return latencies;
}

async function measureOn(
  database: DatabaseTarget,
  label: string,
  mail: DiscardingMailServer,
  options: PasswordResetBenchOptions,
): Promise<Section> {
  const latchkey = await startLatchkeyServers(database, [
    {
      // As deployed but for the recovery limits (5 an hour per identifier, 20 per client address), raised:
      // the rounds send hundreds of requests for the same identifiers from one address, on purpose.
      rateLimits: 'recovery-raised',
      recovery: { mailUrl: mail.url, publicWebUrl: PUBLIC_WEB_URL },
    },
  ]);
  try {
    const [api] = latchkey.instances;
    if (api === undefined) throw new Error('the API under test did not start');
    const { url } = api;
    const accounts = await prepareAccounts(url, mail);
    const identifiers: Record<IdentifierKind, () => string> = {
      'unknown username': ghostName,
      'unknown address': () => `${ghostName()}@example.com`,
      'known username, verified address': () => accounts.verifiedUsername,
      'its verified address': () => accounts.verifiedAddress,
      'known username, no address': () => accounts.plainUsername,
    };
    const sliceSeconds = options.seconds / 2;

    options.log(`password-reset: ${label}: warming up`);
    for (const kind of KINDS) await resetLatenciesMs(url, identifiers[kind], sliceSeconds);

    const mailsBefore = mail.accepted;
    const measured = await runAlternatingRounds<RoundPercentiles & { requests: number }>(
      KINDS.map((kind) => ({
        name: kind,
        measure: async () => {
          const latencies = await resetLatenciesMs(url, identifiers[kind], sliceSeconds);
          return { ...roundPercentiles(latencies), requests: latencies.length };
        },
      })),
      {
        rounds: options.rounds,
        onRound: (round) => {
          options.log(`password-reset: ${label}: round ${round + 1}/${options.rounds}`);
        },
      },
    );
    const kinds: KindRounds[] = KINDS.map((kind) => ({ kind, rounds: measured.get(kind) ?? [] }));
    const requests = [...measured.values()].flat().reduce((sum, round) => sum + round.requests, 0);
    const fewest = Math.min(...[...measured.values()].flat().map((round) => round.requests));
    return {
      id: `password-reset-${label.toLowerCase()}`,
      title: `7. Password-reset requests by identifier kind, ${label}`,
      rows: resetTimingRows(kinds, label),
      notes: [
        `auth.requestPasswordReset one request at a time over keep-alive fetch, ${KINDS.length} kinds x ${options.rounds} alternated rounds of ${sliceSeconds} s; each kind's figure is the median of its per-round p50 (p99), its ratio the median of per-round ratios to the unknown username's`,
        `${requests} requests timed, at least ${fewest} per kind and round (a per-round p99 of fewer than 100 is close to that round's maximum); ${mail.accepted - mailsBefore} reset mails accepted and discarded by the bench's SMTP server meanwhile`,
        `HS256 API as deployed on ${label === 'PGlite' ? 'the embedded database' : 'a PostgreSQL scratch database'} (request log on /dev/null), ACCOUNT_RECOVERY=1 with MAIL_URL to that server, but for RATE_LIMIT_RECOVERY_PER_ADDRESS and RATE_LIMIT_RECOVERY_PER_ACCOUNT, raised out of the way`,
        'unknown kinds: a fresh random name (or address) per request; known: one account whose address was verified through the emailed link, one signed up without an address; a disabled account is not measured: disabling one takes an admin session the bench does not set up (the API tests count the work for it)',
        'the p99 ratios have no goal: tails of a few hundred requests on a shared machine move with what else ran in that slice',
      ],
      skipped: null,
    };
  } finally {
    await latchkey.stop();
  }
}

/** Runs benchmark 7: a section per database, PostgreSQL first. */
export async function runPasswordResetBench(options: PasswordResetBenchOptions): Promise<Section[]> {
  const mail = await startDiscardingMailServer();
  try {
    const sections: Section[] = [];
    sections.push(await measureOn({ serverUrl: options.databaseUrl }, 'PostgreSQL', mail, options));
    sections.push(await measureOn('embedded', 'PGlite', mail, options));
    return sections;
  } finally {
    await mail.close();
  }
}
