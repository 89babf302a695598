// HTTP load with autocannon's programmatic API, from this (the parent) process. Each result is checked:
// a run that got errors or unexpected statuses measured the wrong thing and throws instead of reporting.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** Requests per second across all connections; unset: as fast as the server answers. */
  overallRate?: number;
  /** The status every answer must have (default 200). */
  expectStatus?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** Runs one load and returns its throughput and latency. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const expectStatus = options.expectStatus ?? 200;
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        connections: options.connections,
        duration: options.seconds,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
      },
      (error, finished) => {
        if (error !== null && error !== undefined)
          reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(finished);
      },
    );
    instance.on('response', (_client, statusCode) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  const unexpected = [...statuses].filter(([status]) => status !== expectStatus);
  if (result.errors > 0 || unexpected.length > 0 || result.requests.total === 0) {
    const seen = [...statuses].map(([status, count]) => `${status}x${count}`).join(', ');
    throw new Error(
      `load on ${options.url} was not clean: ${result.errors} errors, statuses ${seen || 'none'} (expected ${expectStatus})`,
    );
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}
