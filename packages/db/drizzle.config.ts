import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @latchkey/db generate` diffs src/schema against the last snapshot and writes a new SQL
// migration to migrations/. Review it, commit it, and never edit it after it lands.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
