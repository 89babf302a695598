// Records which repository methods an API instance calls, by wrapping each method of `app.repositories` in
// place (services read them at call time). How a test shows that two requests did the same database work
// without timing anything.
import type { App } from '../app.js';

export interface RepositoryCalls {
  /** `users.findByUsername`, `emailTokens.issuePasswordReset`, … in call order. */
  readonly calls: readonly string[];
  reset(): void;
}

export function recordRepositoryCalls(app: App): RepositoryCalls {
  const calls: string[] = [];
  for (const [group, repository] of Object.entries(app.repositories) as [string, Record<string, unknown>][]) {
    for (const [name, method] of Object.entries(repository)) {
      if (typeof method !== 'function') continue;
      repository[name] = (...args: unknown[]): unknown => {
        calls.push(`${group}.${name}`);
        return (method as (...parameters: unknown[]) => unknown).apply(repository, args);
      };
    }
  }
  return {
    calls,
    reset() {
      calls.length = 0;
    },
  };
}
