// vitest's asymmetric matchers are typed `any`; these typed wrappers keep the tests free of unsafe `any`.
import { expect } from 'vitest';

export const anyString: unknown = expect.any(String);
export const anyNumber: unknown = expect.any(Number);

export function stringMatching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern);
}

export function objectContaining(shape: Record<string, unknown>): unknown {
  return expect.objectContaining(shape);
}

export function arrayContaining(items: readonly unknown[]): unknown {
  return expect.arrayContaining(items as unknown[]);
}
