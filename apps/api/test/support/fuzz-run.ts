// One fuzz campaign against a live server: starts the API (in this process, so a crash or a polluted
// Object.prototype would show), with the production rate limits, a user, an admin and a victim user; sends
// `numRuns` generated requests from `workers` parallel fast-check properties, each asserting "no 5xx"; then
// checks the server still answers /healthz and nothing changed that a request should not have changed.
import { generateRefreshToken } from '@latchkey/auth';
import fc from 'fast-check';
import {
  GOOD_PASSWORD,
  startTestApi,
  TEST_ORIGIN,
  uniqueUsername,
  type TestApi,
} from '../../src/testing/test-api.js';
import {
  fuzzRequest,
  PROCEDURES,
  sendFuzzRequest,
  type FuzzCredentials,
  type ProcedureName,
} from './procedure-fuzz.js';

export interface FuzzReport {
  runs: number;
  durationMs: number;
  /** Answers by status; `-1`: no answer (connection closed), allowed only for bodies over the limit. */
  byStatus: Record<string, number>;
  /** Statuses >= 500, plus connections dropped on a body within the limit. */
  failures: number;
  /** Answers by status to the well-formed calls that carried hostile text in one field: 400s, not 2xx or 5xx. */
  hostileTextByStatus: Record<string, number>;
  healthzAfter: number;
  prototypePolluted: boolean;
  /** Admins other than the campaign's admin and the victim (whom the admin may promote): must be 0. */
  unexpectedAdmins: number;
  /** The seed of each worker, to replay a failure. */
  seeds: number[];
}

const BODY_LIMIT_BYTES = 65_536;

// Procedures that answer 401 only for the access token (public ones also refuse credentials or refresh tokens).
const PUBLIC_PROCEDURES: ReadonlySet<string> = new Set([
  'auth.signup',
  'auth.login',
  'auth.refresh',
  'auth.logout',
  'auth.verifyEmail',
  'auth.requestPasswordReset',
  'auth.resetPassword',
  'dev.mailbox',
]);
const PROTECTED_PROCEDURES: ReadonlySet<string> = new Set(
  (Object.keys(PROCEDURES) as ProcedureName[]).filter((name) => !PUBLIC_PROCEDURES.has(name)),
);

interface MintedSession {
  accessToken: string;
  refreshToken: string;
}

/** A session made straight in the database (no login: logins are rate limited, as in production). */
async function mintSession(api: TestApi, userId: string, role: 'user' | 'admin'): Promise<MintedSession> {
  const { app } = api.server;
  const now = app.config.now();
  const refresh = generateRefreshToken();
  const session = await app.repositories.sessions.create({
    userId,
    refreshTokenHash: refresh.hash,
    userAgent: 'fuzz',
    ip: null,
    now,
    idleTtlSeconds: app.config.refreshTokenTtlSeconds,
    absoluteTtlSeconds: app.config.refreshTokenAbsoluteTtlSeconds,
    authTime: now,
  });
  const access = await app.accessTokens.issue({ userId, sessionId: session.id, role, authTime: now });
  return { accessToken: access.token, refreshToken: refresh.token };
}

export async function runFuzz(options: {
  runs: number;
  workers: number;
  seed?: number;
}): Promise<FuzzReport> {
  // The production limits (README defaults): logins and signups hit 429 early, as an attacker would.
  const api = await startTestApi({
    env: {
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '10/15m',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '100/15m',
      RATE_LIMIT_SIGNUP_PER_ADDRESS: '20/1h',
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    },
  });
  try {
    const [userName, adminName, victimName] = [
      uniqueUsername('fuzz'),
      uniqueUsername('fuzz'),
      uniqueUsername('fuzz'),
    ];
    const usernames = [userName, adminName, victimName];
    const signup = async (username: string): Promise<string> =>
      (await api.client().auth.signup.mutate({ username, password: GOOD_PASSWORD })).user.id;
    const [userId, adminId, victimId] = [
      await signup(userName),
      await signup(adminName),
      await signup(victimName),
    ];
    await api.repositories.users.setRole(adminId, 'admin');
    let user = await mintSession(api, userId, 'user');
    let admin = await mintSession(api, adminId, 'admin');
    let refresh = await mintSession(api, userId, 'user');
    const victim = await mintSession(api, victimId, 'user');
    const myTask = await api.client(user.accessToken).tasks.create.mutate({ title: 'mine' });
    const victimTask = await api.client(victim.accessToken).tasks.create.mutate({ title: 'theirs' });
    const credentials: FuzzCredentials = {
      userToken: () => user.accessToken,
      adminToken: () => admin.accessToken,
      refreshToken: () => refresh.refreshToken,
      // The victim's ids: the fuzz may legitimately disable the victim or promote them; never the user or admin.
      knownIds: [myTask.id, victimTask.id, victimId, crypto.randomUUID()],
      knownUsernames: usernames,
      knownPassword: GOOD_PASSWORD,
      allowedOrigin: TEST_ORIGIN,
    };
    // Generated calls may log the user out or rotate the refresh token; fresh sessions keep the deep paths covered.
    const renewIfDead = async (): Promise<void> => {
      const me = await fetch(`${api.trpcUrl}/auth.me`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      if (me.status === 401) user = await mintSession(api, userId, 'user');
      const adminMe = await fetch(`${api.trpcUrl}/auth.me`, {
        headers: { authorization: `Bearer ${admin.accessToken}` },
      });
      if (adminMe.status === 401) admin = await mintSession(api, adminId, 'admin');
      refresh = await mintSession(api, userId, 'user');
    };

    const byStatus: Record<string, number> = {};
    const hostileTextByStatus: Record<string, number> = {};
    let failures = 0;
    let sent = 0;
    let sessionsSuspect = false;
    const startedAt = performance.now();
    const baseSeed = options.seed ?? Date.now() % 2_147_483_647;
    const seeds = Array.from({ length: options.workers }, (_, index) => baseSeed + index);
    const perWorker = Math.ceil(options.runs / options.workers);
    await Promise.all(
      seeds.map((seed) =>
        fc.assert(
          fc.asyncProperty(fuzzRequest(credentials), async (request) => {
            sent += 1;
            if (sent % 250 === 0 || sessionsSuspect) {
              sessionsSuspect = false;
              await renewIfDead();
            }
            const status = await sendFuzzRequest(api.trpcUrl, request, credentials);
            // A real token refused on a protected call: a generated logout or password change probably ended
            // that session; renew before the next call, so the calls after it still reach the resolvers.
            if (
              status === 401 &&
              (request.token === 'user' || request.token === 'admin') &&
              request.procedures.every((name) => PROTECTED_PROCEDURES.has(name))
            )
              sessionsSuspect = true;
            byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
            if (request.hostileText)
              hostileTextByStatus[String(status)] = (hostileTextByStatus[String(status)] ?? 0) + 1;
            const oversized =
              request.payload !== null && Buffer.byteLength(request.payload) > BODY_LIMIT_BYTES;
            const failed = status >= 500 || (status === -1 && !oversized);
            if (failed) failures += 1;
            return !failed;
          }),
          { numRuns: perWorker, seed, endOnFailure: true },
        ),
      ),
    );
    const durationMs = performance.now() - startedAt;
    const healthzAfter = (await fetch(`${api.url}/healthz`)).status;
    const unexpectedAdmins = (await api.repositories.users.list()).filter(
      (row) => row.role === 'admin' && row.id !== adminId && row.id !== victimId,
    ).length;
    return {
      runs: Object.values(byStatus).reduce((sum, value) => sum + value, 0),
      durationMs,
      byStatus,
      failures,
      hostileTextByStatus,
      healthzAfter,
      prototypePolluted:
        Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).role !== undefined,
      unexpectedAdmins,
      seeds,
    };
  } finally {
    await api.close();
  }
}
