// `pnpm --filter @latchkey/api test:pooler`: the suite of two API instances behind a private PgBouncer in
// transaction mode (test/pooler/). It needs a PostgreSQL server (DATABASE_URL) and Debian's pgbouncer, so it
// is not part of `pnpm test`, which also runs on the embedded database; .ci/run runs it on the PostgreSQL leg.
// Not merged with the shared unit-test config (tooling/vitest-config): mergeConfig would append its globs to
// `include`. The source condition and the report are the shared config's.
import { defineConfig } from 'vitest/config';

const sourceCondition = '@latchkey/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: [sourceCondition, 'node', 'import', 'default'] } },
  test: {
    include: ['test/pooler/**/*.pooler.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-pooler.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
