// `pnpm --filter @latchkey/bench profile FILE.cpuprofile...`: where each profiled server's CPU went
// (cpu-profile.ts), by package and by function, as text.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { summarizeProfile } from './cpu-profile.js';
import type { CpuProfile } from './cpu-profile.js';

const percent = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`;

async function main(): Promise<void> {
  const files = process.argv.slice(2).filter((argument) => argument !== '--');
  if (files.length === 0) throw new Error('usage: pnpm --filter @latchkey/bench profile FILE.cpuprofile...');
  for (const file of files) {
    // V8's own output format; a file that is not one fails on the first field read.
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const summary = summarizeProfile(profile, { limit: 15 });
    const lines = [
      `== ${path.basename(file)}: ${summary.busySamples} busy samples, ${percent(summary.idleShare)} idle`,
      'self time by package (share of busy samples):',
      ...summary.byPackage.map((entry) => `  ${percent(entry.share)}  ${entry.name}`),
      'self time by function:',
      ...summary.byFunction.map((entry) => `  ${percent(entry.share)}  ${entry.name}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
