// Browser tests in a real Chromium against a real API and the built app (README.md, "End-to-end tests").
// Not merged with the shared unit-test config: mergeConfig would append its globs to `include`.
import { defineConfig } from 'vitest/config';

const sourceCondition = '@latchkey/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: [sourceCondition, 'node', 'import', 'default'] } },
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-e2e.json' },
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // One file at a time: the machine's cores go to Chromium and the API.
    fileParallelism: false,
  },
});
