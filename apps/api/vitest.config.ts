import { latchkeyVitestConfig } from '@latchkey/vitest-config';
import { configDefaults } from 'vitest/config';

export default latchkeyVitestConfig({
  // Needs PostgreSQL and pgbouncer: its own run, `pnpm test:pooler` (vitest.pooler.config.ts).
  test: { exclude: [...configDefaults.exclude, 'test/pooler/**'] },
});
