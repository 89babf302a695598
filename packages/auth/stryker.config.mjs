// Mutation testing of the auth core (`pnpm mutation` at the root, or `pnpm --filter @latchkey/auth mutation`).
// Stryker changes one operator, condition or literal at a time in src/ and reruns the tests that cover it; a
// mutant that no test notices is a check the tests would let someone remove. SECURITY.md ("Mutation
// testing") holds the last score and explains each survivor.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  // Stryker looks for `@stryker-mutator/*` beside its own install; pnpm keeps the runner elsewhere, so name it.
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  vitest: { configFile: 'vitest.config.ts' },
  // Each mutant reruns only the tests that reached it, not the whole suite.
  coverageAnalysis: 'perTest',
  // The machine is shared; two test processes at once.
  concurrency: 2,
  mutate: [
    'src/**/*.ts',
    '!src/**/*.test.ts',
    // Test helpers, not shipped: a mutant there changes what a test measures, not what the package does.
    '!src/testing/**',
  ],
  // Stryker copies the package into test-results/sandbox-<id>/ and runs the tests there. test-results/ is
  // already ignored by git, prettier and eslint, and it is one level deep, which is what Stryker assumes when it
  // rewrites the sandbox's tsconfig `extends` (../../tsconfig.base.json). Removed after every run.
  tempDirName: 'test-results',
  cleanTempDir: 'always',
  ignorePatterns: ['test-results', 'dist'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  // Used by `pnpm mutation --incremental`, which retests only mutants whose code or tests changed since.
  incrementalFile: 'test-results/mutation/stryker-incremental.json',
  // `pnpm mutation` fails below 90%.
  thresholds: { high: 95, low: 90, break: 90 },
};

export default config;
