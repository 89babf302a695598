// The cost of one request log line, in-process: `pnpm --filter @latchkey/api log-cost [--lines 200000]`.
// Writes the line server.ts writes per request through createLogger into a stream that drops it, so what is
// measured is pino's work (redaction, serialisers, the logMethod hook, JSON), not the disk. Prints microseconds
// per line (the median of 5 rounds after a warm-up), to compare logger configurations; not a test.
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/logger.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' } } });
const lines = Number(values.lines);
const ROUNDS = 5;

let bytes = 0;
const logger = createLogger({
  level: 'info',
  destination: {
    write(chunk: string): boolean {
      bytes += chunk.length;
      return true;
    },
  },
});

function round(count: number): number {
  const startedAt = performance.now();
  for (let index = 0; index < count; index += 1) {
    logger.info(
      {
        method: 'GET',
        path: '/trpc/auth.me',
        status: 200,
        ms: 1.3,
        userId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      },
      'request',
    );
  }
  return ((performance.now() - startedAt) * 1000) / count;
}

round(Math.min(lines, 20_000));
const perLine = Array.from({ length: ROUNDS }, () => round(lines)).sort((a, b) => a - b);
const [min = 0, , median = 0, , max = 0] = perLine;
const bytesPerLine = Math.round(bytes / (lines * ROUNDS + Math.min(lines, 20_000)));
console.log(
  `request log line: ${median.toFixed(2)} us (median of ${ROUNDS} rounds of ${lines}; ` +
    `min ${min.toFixed(2)}, max ${max.toFixed(2)}; ${bytesPerLine} bytes/line)`,
);
