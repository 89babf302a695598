import { latchkeyVitestConfig } from '@latchkey/vitest-config';

// Packing, installing from the registry and type-checking a scratch project take longer than a unit test.
export default latchkeyVitestConfig({ test: { testTimeout: 120_000, hookTimeout: 300_000 } });
