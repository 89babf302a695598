import { describe, expect, it } from 'vitest';

import { packageOf, summarizeProfile } from './cpu-profile.js';
import type { CpuProfile } from './cpu-profile.js';

describe('packageOf', () => {
  it('names the package of a dependency, a workspace package, Node and V8 frames', () => {
    expect(
      packageOf('file:///w/node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/proto.js', 'write'),
    ).toBe('pino');
    expect(
      packageOf(
        'file:///w/node_modules/.pnpm/@trpc+server@11.22.1/node_modules/@trpc/server/dist/x.mjs',
        'f',
      ),
    ).toBe('@trpc/server');
    expect(packageOf('file:///w/apps/api/src/http/server.ts', 'handle')).toBe('@latchkey/api');
    expect(packageOf('file:///w/packages/db/src/client.ts', 'query')).toBe('@latchkey/db');
    // A checkout in a folder named `bench` is still the API's source.
    expect(packageOf('file:///work/bench/apps/api/src/context.ts', 'f')).toBe('@latchkey/api');
    expect(packageOf('file:///work/bench/bench/src/peers/bare-http.ts', 'f')).toBe('@latchkey/bench');
    expect(packageOf('node:internal/http', 'write')).toBe('node');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'writev')).toBe('(native)');
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('write', 'file:///w/node_modules/.pnpm/pino@1/node_modules/pino/a.js') },
      { id: 4, callFrame: frame('redact', 'file:///w/node_modules/.pnpm/pino@1/node_modules/pino/b.js') },
      { id: 5, callFrame: frame('', 'file:///w/apps/api/src/http/server.ts') },
    ],
    // 4 idle samples, 6 busy: pino 4 (write 3, redact 1), the API 2.
    samples: [2, 2, 2, 2, 3, 3, 3, 4, 5, 5],
  };

  it('shares the busy samples by package and by function, idle apart', () => {
    const summary = summarizeProfile(profile, { limit: 10 });
    expect(summary.busySamples).toBe(6);
    expect(summary.idleShare).toBeCloseTo(0.4);
    expect(summary.byPackage).toEqual([
      { name: 'pino', share: 4 / 6 },
      { name: '@latchkey/api', share: 2 / 6 },
    ]);
    expect(summary.byFunction.map((entry) => entry.name)).toEqual([
      'write pino:10',
      '(anonymous) @latchkey/api:10',
      'redact pino:10',
    ]);
  });

  it('keeps only the top entries', () => {
    expect(summarizeProfile(profile, { limit: 1 }).byFunction).toEqual([
      { name: 'write pino:10', share: 0.5 },
    ]);
  });
});
