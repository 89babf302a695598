// Where a server's CPU went, from a V8 `.cpuprofile` (what `node --cpu-prof` writes, and what
// `pnpm bench --cpu-prof DIR` asks of every Latchkey instance): self time grouped by package, and the
// functions that spent the most of it. A missed goal is explained from this, not from a guess.

/** The parts of a `.cpuprofile` this reads (Chrome DevTools protocol, Profiler.Profile). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileShare {
  name: string;
  /** Share of the samples in which the process was not idle, 0-1. */
  share: number;
}

export interface ProfileSummary {
  /** Samples taken while busy (not `(idle)`). */
  busySamples: number;
  /** Share of all samples spent idle, waiting on the network, the database or a timer. */
  idleShare: number;
  byPackage: ProfileShare[];
  byFunction: ProfileShare[];
}

/**
 * The package a frame's script belongs to: `pino` for `.../node_modules/.pnpm/pino@10.4.0/node_modules/pino/...`,
 * `@latchkey/api` for the workspace's `apps/api/src/...`, `node` for Node's own modules, the V8 pseudo-frames
 * (`(garbage collector)`, `(program)`) as they are.
 */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope = '', name = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.startsWith('node:')) return 'node';
  // The source folder anchors the match: a checkout may itself sit in a folder named `bench` or `packages`.
  const workspace = /\/(?:apps|packages)\/([^/]+)\/(?:src|dist)\//.exec(url);
  if (workspace !== null) return `@latchkey/${workspace[1] ?? ''}`;
  if (url.includes('/bench/src/')) return '@latchkey/bench';
  return url;
}

function topShares(counts: Map<string, number>, total: number, limit: number): ProfileShare[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, share: total === 0 ? 0 : count / total }));
}

/** Self-time shares by package and by function, over the busy samples. */
export function summarizeProfile(profile: CpuProfile, options: { limit: number }): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples !== undefined) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += count;
      continue;
    }
    busy += count;
    const owner = packageOf(url, functionName);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + count);
    const label = `${functionName === '' ? '(anonymous)' : functionName} ${owner}${url === '' ? '' : `:${lineNumber + 1}`}`;
    byFunction.set(label, (byFunction.get(label) ?? 0) + count);
  }
  return {
    busySamples: busy,
    idleShare: idle + busy === 0 ? 0 : idle / (idle + busy),
    byPackage: topShares(byPackage, busy, options.limit),
    byFunction: topShares(byFunction, busy, options.limit),
  };
}
