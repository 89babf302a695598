import { defineConfig } from 'vitest/config';

// The workspace preset (@latchkey/vitest-config) with one change. Vitest hands the SSR conditions to the test
// workers as Node's `--conditions`, which also steer `require`; the preset's `import` condition then makes
// Express's router `require('is-promise')` load that package's ESM file (Node 20.19+ requires ESM), and
// `isPromise` is not a function. Without it, Node picks `import` or `require` by itself, as in production.
const conditions = ['@latchkey/source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions: ['@latchkey/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
