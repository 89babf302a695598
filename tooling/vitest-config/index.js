// Shared vitest settings for every package of the workspace.
//
// Workspace packages are compiled to dist/ for production, but their package.json `exports` also carry a
// `@latchkey/source` condition that points at the TypeScript source. Tests resolve through that condition,
// so `pnpm test` never needs a build first and always runs the code as it is on disk.
import { defineConfig, mergeConfig } from 'vitest/config';

const sourceCondition = '@latchkey/source';

/**
 * @param {import('vitest/config').UserConfig} [overrides]
 * @returns {import('vitest/config').UserConfig}
 */
export function latchkeyVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: [sourceCondition, 'module', 'node', 'import', 'default'] },
      ssr: { resolve: { conditions: [sourceCondition, 'node', 'import', 'default'] } },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        // The JSON report lets .ci/run print one closing `N passed, N failed` line for the whole workspace.
        reporters: ['default', 'json'],
        outputFile: { json: 'test-results/vitest.json' },
        testTimeout: 20_000,
        hookTimeout: 60_000,
      },
    }),
    overrides,
  );
}
