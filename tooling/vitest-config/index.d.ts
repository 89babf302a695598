import type { UserConfig } from 'vitest/config';

/** Vitest settings shared by every workspace package, merged with the package's own overrides. */
export function latchkeyVitestConfig(overrides?: UserConfig): UserConfig;
