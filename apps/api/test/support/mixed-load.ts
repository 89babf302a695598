// A mixed, realistic load over real HTTP for the soak and the fault tests: each worker is one signed-up client
// that mostly makes protected calls, refreshes its own chain now and then (so rotations never race by
// design), and sometimes logs in again and logs the old session out. Counts every answer by status.
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadTarget {
  trpcUrl: string;
}

export interface LoadClient {
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export type LoadOperation =
  'me' | 'tasks.list' | 'tasks.create' | 'tasks.delete' | 'refresh' | 'login' | 'logout';

export interface LoadStats {
  requests: number;
  /** Answers by HTTP status; `network` counts requests that got no answer at all. */
  byStatus: Record<string, number>;
  byOperation: Partial<Record<LoadOperation, number>>;
  /** Session ids the server acknowledged with a 200 (signup, login or refresh): committed sessions. */
  acknowledgedSessions: Set<string>;
  elapsedMs: number;
}

export interface MixedLoadOptions {
  durationMs: number;
  /** Requests per second across all workers; null runs flat out (capacity measurement). */
  ratePerSecond: number | null;
  /** Stops early when it returns true (checked between requests). */
  stop?: () => boolean;
  /** Pause between a worker's requests when unthrottled, to keep a "light" load light. */
  thinkTimeMs?: number;
}

interface SessionBody {
  accessToken: string;
  refreshToken?: string;
}

/** The `sid` claim of an access token (decoded, not verified: the server already did that). */
export function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown };
  return typeof claims.sid === 'string' ? claims.sid : '';
}

async function call(
  target: LoadTarget,
  procedure: string,
  options: { method: 'GET' | 'POST'; body?: unknown; accessToken?: string },
): Promise<{ status: number | 'network'; data: unknown }> {
  const headers: Record<string, string> = {};
  if (options.accessToken !== undefined) headers.authorization = `Bearer ${options.accessToken}`;
  if (options.method === 'POST') headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${target.trpcUrl}/${procedure}`, {
      method: options.method,
      headers,
      ...(options.method === 'POST' ? { body: JSON.stringify(options.body ?? {}) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = (JSON.parse(text) as { result?: { data?: unknown } }).result?.data ?? null;
    } catch {
      data = null;
    }
    return { status: response.status, data };
  } catch {
    return { status: 'network', data: null };
  }
}

function isSession(data: unknown): data is SessionBody {
  return typeof data === 'object' && data !== null && typeof (data as SessionBody).accessToken === 'string';
}

/** Signs up `count` clients (refresh token in the body), `parallel` at a time. */
export async function prepareLoadClients(
  target: LoadTarget,
  options: { count: number; prefix: string; password: string },
): Promise<LoadClient[]> {
  const clients: LoadClient[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const username = `${options.prefix}_${index}`;
    const { status, data } = await call(target, 'auth.signup', {
      method: 'POST',
      body: { username, password: options.password, refreshTransport: 'body' },
    });
    if (status !== 200 || !isSession(data) || data.refreshToken === undefined)
      throw new Error(`signup of load client ${username} answered ${status}`);
    clients.push({
      username,
      password: options.password,
      accessToken: data.accessToken,
      refreshToken: data.refreshToken,
    });
  }
  return clients;
}

/** Picks the next operation: about 70% protected calls, 25% refreshes, 5% login + logout. */
function pickOperation(random: number): LoadOperation {
  if (random < 0.35) return 'me';
  if (random < 0.55) return 'tasks.list';
  if (random < 0.7) return 'tasks.create';
  if (random < 0.95) return 'refresh';
  return 'login';
}

/** Runs the mixed load until the duration is over (or `stop()`), and reports every answer. */
export async function runMixedLoad(
  target: LoadTarget,
  clients: LoadClient[],
  options: MixedLoadOptions,
): Promise<LoadStats> {
  const stats: LoadStats = {
    requests: 0,
    byStatus: {},
    byOperation: {},
    acknowledgedSessions: new Set(),
    elapsedMs: 0,
  };
  const startedAt = performance.now();
  const endsAt = startedAt + options.durationMs;
  let issued = 0;
  const count = (operation: LoadOperation, status: number | 'network'): void => {
    stats.requests += 1;
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
  };
  const done = (): boolean => performance.now() >= endsAt || (options.stop?.() ?? false);
  // Throttled runs give every request (not every operation) a slot on one schedule shared by all workers.
  const send = async (
    procedure: string,
    init: { method: 'GET' | 'POST'; body?: unknown; accessToken?: string },
  ): Promise<{ status: number | 'network'; data: unknown }> => {
    if (options.ratePerSecond !== null) {
      const slot = startedAt + (issued * 1000) / options.ratePerSecond;
      issued += 1;
      const wait = slot - performance.now();
      if (wait > 0) await sleep(wait);
    }
    return call(target, procedure, init);
  };

  const login = async (client: LoadClient): Promise<boolean> => {
    const { status, data } = await send('auth.login', {
      method: 'POST',
      body: { username: client.username, password: client.password, refreshTransport: 'body' },
    });
    count('login', status);
    if (status !== 200 || !isSession(data) || data.refreshToken === undefined) return false;
    const previous = client.refreshToken;
    client.accessToken = data.accessToken;
    client.refreshToken = data.refreshToken;
    stats.acknowledgedSessions.add(sessionIdOf(data.accessToken));
    // Logging the previous session out keeps the number of live sessions flat over a long soak.
    const logout = await send('auth.logout', { method: 'POST', body: { refreshToken: previous } });
    count('logout', logout.status);
    return true;
  };

  const worker = async (client: LoadClient): Promise<void> => {
    while (!done()) {
      if (options.ratePerSecond === null && options.thinkTimeMs !== undefined)
        await sleep(options.thinkTimeMs);
      const operation = pickOperation(Math.random());
      if (operation === 'login') {
        await login(client);
        continue;
      }
      if (operation === 'refresh') {
        const { status, data } = await send('auth.refresh', {
          method: 'POST',
          body: { refreshToken: client.refreshToken },
        });
        count('refresh', status);
        if (status === 200 && isSession(data) && data.refreshToken !== undefined) {
          client.accessToken = data.accessToken;
          client.refreshToken = data.refreshToken;
          stats.acknowledgedSessions.add(sessionIdOf(data.accessToken));
        } else if (status === 401) {
          // The chain ended (it should not in a healthy run; the caller sees the 401 in the counts).
          await login(client);
        }
        continue;
      }
      if (operation === 'tasks.create') {
        // Create then delete, so a long soak does not grow every list it reads.
        const created = await send('tasks.create', {
          method: 'POST',
          body: { title: `load ${issued}` },
          accessToken: client.accessToken,
        });
        count('tasks.create', created.status);
        const id = (created.data as { id?: unknown } | null)?.id;
        if (typeof id === 'string') {
          const deleted = await send('tasks.delete', {
            method: 'POST',
            body: { id },
            accessToken: client.accessToken,
          });
          count('tasks.delete', deleted.status);
        }
        if (created.status === 401) await login(client);
        continue;
      }
      const { status } = await send(operation === 'me' ? 'auth.me' : 'tasks.list', {
        method: 'GET',
        accessToken: client.accessToken,
      });
      count(operation, status);
      if (status === 401) await login(client);
    }
  };

  await Promise.all(clients.map((client) => worker(client)));
  stats.elapsedMs = performance.now() - startedAt;
  return stats;
}

/** Requests answered with a status of 500 or more, or not answered at all. */
export function failedRequests(stats: LoadStats): number {
  return Object.entries(stats.byStatus)
    .filter(([status]) => status === 'network' || Number(status) >= 500)
    .reduce((sum, [, value]) => sum + value, 0);
}
