// Gathers the vitest JSON reports every package writes to test-results/, and prints the closing
// `N passed, N failed` line for the whole CI run. Exits non-zero when any test failed or none ran.
import { cpSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [command, target] = process.argv.slice(2);
const workspaceDirs = [
  'bench',
  ...['apps', 'packages', 'tooling', 'examples'].flatMap((top) =>
    existsSync(top) ? readdirSync(top).map((name) => join(top, name)) : [],
  ),
];

if (command === 'collect') {
  mkdirSync(target, { recursive: true });
  for (const dir of workspaceDirs) {
    const resultsDir = join(dir, 'test-results');
    if (!existsSync(resultsDir)) continue;
    // vitest.json from `pnpm test`, vitest-e2e.json from `pnpm test:e2e`.
    for (const report of readdirSync(resultsDir).filter((name) => /^vitest.*\.json$/.test(name))) {
      const label = `${dir}/${report.replace(/^vitest-?|\.json$/g, '')}`.replace(/\/$/, '');
      cpSync(join(resultsDir, report), join(target, `${label.replaceAll('/', '__')}.json`));
    }
  }
} else if (command === 'summarize') {
  let passed = 0;
  let failed = 0;
  for (const run of readdirSync(target)) {
    for (const file of readdirSync(join(target, run))) {
      const report = JSON.parse(readFileSync(join(target, run, file), 'utf8'));
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      console.log(
        `${run.padEnd(9)} ${file.replace('.json', '').replaceAll('__', '/').padEnd(26)} ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
      );
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
} else {
  console.error('usage: count-tests.mjs collect <dir> | summarize <dir>');
  process.exit(2);
}
