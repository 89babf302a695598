// `pnpm --filter @latchkey/api test:pooler`: the suite of two API instances behind a private PgBouncer in
// transaction mode (test/pooler/). It needs a PostgreSQL server (DATABASE_URL) and Debian's pgbouncer, so it
// is not part of `pnpm test`, which also runs on the embedded database; .ci/run runs it on the PostgreSQL leg.
import { latchkeyVitestConfig } from '@latchkey/vitest-config';
import { defineConfig } from 'vitest/config';

const shared = latchkeyVitestConfig();

// Not merged with `include` of the shared config: mergeConfig would append this glob to its globs.
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/pooler/**/*.pooler.test.ts'],
    outputFile: { json: 'test-results/vitest-pooler.json' },
  },
});
