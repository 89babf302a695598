// The machine a report was measured on: ratios travel between machines far better than raw figures,
// but a reader still needs to know what produced them.
import os from 'node:os';

import type { MachineInfo } from './report.js';

/** CPU model, core count, memory, Node version and the time of the run. */
export function describeMachine(now: Date = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: now.toISOString(),
  };
}
