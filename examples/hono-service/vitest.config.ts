import { latchkeyVitestConfig } from '@latchkey/vitest-config';

const config = latchkeyVitestConfig();
// Vitest hands the SSR conditions to the test workers as Node's `--conditions`, which also steer `require`. The
// preset's `import` condition then makes Express's router `require('is-promise')` load that package's ESM file
// (Node 20.19+ requires ESM), and `isPromise` is not a function. Node picks `import` or `require` by itself.
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: ['@latchkey/source', 'node', 'default'] } };

export default config;
