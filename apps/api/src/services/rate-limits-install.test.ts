// rate-limiter-flexible's RateLimiterDrizzle imports drizzle-orm at run time without declaring it; the
// workspace declares it as the peer it is (pnpm-workspace.yaml, packageExtensions). Without that it resolved
// only through pnpm's hoisted `.pnpm/node_modules`, which a non-hoisting install (a deploy with hoist=false, a
// bundler's strict resolution) does not have.
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

/** The node_modules directory pnpm links a package's own dependencies into, beside the package itself. */
function ownDependencies(entry: string, name: string): string {
  const real = realpathSync(entry);
  return real.slice(0, real.lastIndexOf(`${path.sep}${name}${path.sep}`));
}

describe('rate-limiter-flexible and drizzle-orm', () => {
  it('drizzle-orm is linked beside rate-limiter-flexible, and it is the one @latchkey/db uses', () => {
    const limiter = require.resolve('rate-limiter-flexible');
    const linked = path.join(ownDependencies(limiter, 'rate-limiter-flexible'), 'drizzle-orm');
    expect(existsSync(linked)).toBe(true);
    // From packages/db's own directory (its package entry may not be built yet).
    const fromDb = createRequire(new URL('../../../../packages/db/package.json', import.meta.url)).resolve(
      'drizzle-orm',
    );
    expect(realpathSync(createRequire(realpathSync(limiter)).resolve('drizzle-orm'))).toBe(
      realpathSync(fromDb),
    );
  });
});
