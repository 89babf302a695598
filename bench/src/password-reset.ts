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

/** How long a slice's mail backlog may take to run; a slice queues a few hundred tasks at most. */
const DRAIN_TIMEOUT_MS = 120_000;

/** The baseline first: every ratio is taken against it. */
const KINDS = [
  'unknown username',
  'unknown address',
  'known username, verified address',
  'its verified address',
  'known username, no address',
] as const;
type IdentifierKind = (typeof KINDS)[number];

/** A name no account has; the unknown kinds each repeat one for the whole run, as the known kinds do. */
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

/** Signs an account up with an address and verifies it through the real link the mail server received. */
async function verifiedAccount(
  url: string,
  mail: DiscardingMailServer,
  prefix: string,
): Promise<{ username: string; address: string }> {
  const username = `${prefix}-${randomUUID().slice(0, 8)}`;
  const address = `${username}@example.com`;
  // Waiting starts before the signup: the verification mail leaves off the request path, maybe before it answers.
  const verificationToken = mail.nextLinkToken(address, 'verify-email');
  await mutate(url, 'auth.signup', { username, password: randomPassword(), email: address });
  await mutate(url, 'auth.verifyEmail', { token: await verificationToken });
  return { username, address };
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
    const verified = await verifiedAccount(url, mail, 'bench-reset');
    const plainUsername = `bench-plain-${randomUUID().slice(0, 8)}`;
    await signUp(url, { username: plainUsername, password: randomPassword() });
    // Its own account, so the mail the bench waits for is the drain's and no earlier task's.
    const drain = await verifiedAccount(url, mail, 'bench-drain');
    // One identifier per kind, repeated: the recovery limiter keeps a row per identifier typed, and a fresh
    // name per request would weigh that row's insert against the known kinds' update, a difference between a
    // first and a later try of any identifier, not between an account and none.
    const unknownUsername = ghostName();
    const unknownAddress = `${ghostName()}@example.com`;
    const identifiers: Record<IdentifierKind, () => string> = {
      'unknown username': () => unknownUsername,
      'unknown address': () => unknownAddress,
      'known username, verified address': () => verified.username,
      'its verified address': () => verified.address,
      'known username, no address': () => plainUsername,
    };
    const sliceSeconds = options.seconds / 2;
    // The API sends mail one task at a time off the request path, and every reset request queues a task (the
    // unknown ones too: the token statement runs there). A slice at full speed leaves a backlog, which would
    // slow whichever kind came next; so after every slice, one request for a third account, verified and used
    // for nothing else, untimed, and a wait for its mail: queued last, it arrives once every earlier task ran.
    const drainMailQueue = async (): Promise<void> => {
      const drained = mail.nextLinkToken(drain.address, 'reset-password', { timeoutMs: DRAIN_TIMEOUT_MS });
      await mutate(url, 'auth.requestPasswordReset', { identifier: drain.username });
      await drained;
    };
    const timedSlice = async (kind: IdentifierKind): Promise<number[]> => {
      const latencies = await resetLatenciesMs(url, identifiers[kind], sliceSeconds);
      await drainMailQueue();
      return latencies;
    };

    options.log(`password-reset: ${label}: warming up`);
    for (const kind of KINDS) await timedSlice(kind);

    const mailsBefore = mail.accepted;
    const measured = await runAlternatingRounds<RoundPercentiles & { requests: number }>(
      KINDS.map((kind) => ({
        name: kind,
        measure: async () => {
          const latencies = await timedSlice(kind);
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
        `${requests} requests timed, at least ${fewest} per kind and round (a per-round p99 of fewer than 100 is close to that round's maximum)`,
        `after each slice the bench waits, untimed, for the API's mail queue to drain (one request for a third verified account, kept for this, whose mail is queued last), so every slice starts from an empty queue and bears the background work of its own requests only; ${mail.accepted - mailsBefore} mails accepted and discarded by the bench's SMTP server during the rounds`,
        `HS256 API as deployed on ${label === 'PGlite' ? 'the embedded database' : 'a PostgreSQL scratch database'} (request log on /dev/null), ACCOUNT_RECOVERY=1 with MAIL_URL to that server, but for RATE_LIMIT_RECOVERY_PER_ADDRESS and RATE_LIMIT_RECOVERY_PER_ACCOUNT, raised out of the way`,
        'one identifier per kind repeated for the whole run (so every kind updates its own limiter row; a fresh name per request would add an insert only the unknown kinds pay): unknown, a random name and address no account has; known, one account whose address was verified through the emailed link, one signed up without an address; a disabled account is not measured: disabling one takes an admin session the bench does not set up (the API tests count the work for it)',
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
