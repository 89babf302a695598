import { latchkeyVitestConfig } from '@latchkey/vitest-config';

// Unit tests of the app's logic (storage-mode preference, route-guard decisions, error messages) under
// src/**/*.test.ts; the browser flows are in e2e/ and run with vitest.e2e.config.ts.
export default latchkeyVitestConfig();
