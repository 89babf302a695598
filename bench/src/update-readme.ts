// `pnpm --filter @latchkey/bench readme [report.json]`: regenerates the figures table of bench/README.md
// from a report (default results/latest.json, what the last `pnpm bench` wrote).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderFiguresTable, replaceFigures } from './figures-table.js';
import type { BenchReport } from './report.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const reportFile = path.resolve(process.argv[2] ?? path.join(packageDirectory, 'results', 'latest.json'));
  const readmeFile = path.join(packageDirectory, 'README.md');
  // The file is the bench's own output; a hand-edited one that lost a field fails on the first read of it.
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchReport;
  const readme = await readFile(readmeFile, 'utf8');
  await writeFile(readmeFile, replaceFigures(readme, renderFiguresTable(report)));
  process.stderr.write(
    `updated ${path.relative(process.cwd(), readmeFile)} from ${path.relative(process.cwd(), reportFile)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
