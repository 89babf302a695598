// Test harness: a real API server on an ephemeral port over the test database the environment selects
// (PGlite in memory, or a fresh database on DATABASE_URL's server), a controllable clock, typed tRPC clients,
// and raw-fetch helpers for wire details (headers, cookies, status codes).
import { Writable } from 'node:stream';
import { generateJwtSecret, type PasswordHasher } from '@latchkey/auth';
import { createRepositories, type Database, type Repositories } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import { createTRPCClient, httpBatchLink, httpLink, type TRPCClient } from '@trpc/client';
import { processEnv, type EnvSource } from '../env.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { AppRouter } from '../router.js';
import { startApiServer, type RunningApiServer } from '../start-server.js';

/** A clock tests move by hand; starts at the real time so tokens and rows look ordinary. */
export class TestClock {
  #offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}

export const TEST_ORIGIN = 'http://app.test';

/** Generous limits, so only the rate-limit tests ever meet one. */
const TEST_ENV: EnvSource = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  CORS_ORIGINS: TEST_ORIGIN,
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000/15m',
  RATE_LIMIT_LOGIN_PER_DEVICE: '1000/15m',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '1000/15m',
  RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000/15m',
  RATE_LIMIT_RECOVERY_PER_ADDRESS: '1000/15m',
  RATE_LIMIT_RECOVERY_PER_ACCOUNT: '1000/15m',
  // Emailed links point here; tests that read mail set MAIL_URL to their own SMTP server.
  PUBLIC_WEB_URL: 'http://app.test',
  // The suite runs on either /trpc transport: `HTTP_TRANSPORT=official pnpm test` (unset: the default).
  HTTP_TRANSPORT: processEnv().HTTP_TRANSPORT,
};

/** Collects log lines written by pino, to search them afterwards. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApi {
  url: string;
  trpcUrl: string;
  server: RunningApiServer;
  database: Database;
  repositories: Repositories;
  clock: TestClock;
  /** A client that sends one request per call. */
  client(accessToken?: string): TRPCClient<AppRouter>;
  /** A client that batches calls made in the same tick into one HTTP request. */
  batchClient(accessToken?: string): TRPCClient<AppRouter>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  env?: EnvSource;
  /** Share one database between instances (the multi-instance tests); otherwise a fresh one is created. */
  database?: Database;
  clock?: TestClock;
  log?: LogCapture;
  /** The password hasher (a test that counts argon2 work passes one built on a counting engine). */
  passwords?: PasswordHasher;
  /** How the mail queue's worker is started (a test that looks at the request path alone holds it). */
  mailSchedule?: (run: () => void) => void;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const clock = options.clock ?? new TestClock();
  const owned: TestDatabase | null = options.database === undefined ? await createTestDatabase() : null;
  const database = options.database ?? owned!.database;
  const config = loadConfig(
    {
      JWT_SECRET: generateJwtSecret(),
      ...TEST_ENV,
      ...(options.log === undefined ? {} : { LOG_LEVEL: 'info' }),
      ...options.env,
    },
    { now: clock.now },
  );
  const logger = createLogger({
    level: config.logLevel,
    ...(options.log === undefined ? {} : { destination: options.log }),
  });
  const server = await startApiServer({
    config,
    database,
    port: 0,
    logger,
    ...(options.passwords === undefined ? {} : { passwords: options.passwords }),
    ...(options.mailSchedule === undefined ? {} : { mailSchedule: options.mailSchedule }),
  });
  const trpcUrl = `${server.url}/trpc`;
  const headers = (accessToken?: string): Record<string, string> =>
    accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` };
  return {
    url: server.url,
    trpcUrl,
    server,
    database,
    repositories: createRepositories(database),
    clock,
    client: (accessToken) =>
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: trpcUrl, headers: () => headers(accessToken) })],
      }),
    batchClient: (accessToken) =>
      createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: trpcUrl, headers: () => headers(accessToken) })],
      }),
    async close() {
      await server.close();
      if (owned !== null) await owned.dispose();
    },
  };
}

/** A raw POST to a procedure (plain JSON, as curl would send it). */
export async function post(
  api: { trpcUrl: string },
  procedure: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${api.trpcUrl}/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The JSON body of a tRPC error response. */
export interface WireError {
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      reason?: string;
      retryAfter?: number;
      zodError?: { fieldErrors: Record<string, string[]> };
    };
  };
}

let counter = 0;
/** A unique, policy-valid username. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 7)}`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

/** A service client for SERVICE_CLIENTS (`entry`) and its secret, as `pnpm latchkey service-client` makes one. */
export { generateServiceClient } from '../services/service-client.js';
