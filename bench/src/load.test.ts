import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runLoad } from './load.js';

// A real server on an ephemeral port: /ok answers 200, /denied 401, anything else 500.
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.statusCode = request.url === '/ok' ? 200 : request.url === '/denied' ? 401 : 500;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('runLoad', () => {
  it('reports throughput and latency of a clean run', async () => {
    const result = await runLoad({ url: `${baseUrl}/ok`, connections: 2, seconds: 1 });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
  });

  it('throws instead of reporting a run whose answers were not the expected status', async () => {
    // A protected route answering 401 quickly must never pass for a fast protected route.
    await expect(runLoad({ url: `${baseUrl}/denied`, connections: 2, seconds: 1 })).rejects.toThrow(
      /was not clean: 0 errors, statuses 401x\d+ \(expected 200\)/,
    );
  });

  it('accepts the status it was told to expect', async () => {
    const result = await runLoad({ url: `${baseUrl}/denied`, connections: 2, seconds: 1, expectStatus: 401 });
    expect(result.requests).toBeGreaterThan(0);
  });
});
