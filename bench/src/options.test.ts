import { describe, expect, it } from 'vitest';

import { BENCHMARKS, DEFAULT_REVOCATIONS, DEFAULT_SECONDS, parseBenchOptions } from './options.js';

const output = '/tmp/latest.json';

describe('parseBenchOptions', () => {
  it('runs everything for the default seconds and writes the default file when given nothing', () => {
    expect(parseBenchOptions([], output)).toEqual({
      only: [...BENCHMARKS],
      seconds: DEFAULT_SECONDS,
      revocations: DEFAULT_REVOCATIONS,
      cpuProfileDir: null,
      output,
      help: false,
    });
  });

  it('keeps the canonical order of --only and accepts the `--` pnpm passes through', () => {
    const options = parseBenchOptions(
      ['--', '--only', 'refresh,verify', '--seconds', '0.5', '--no-output'],
      output,
    );
    expect(options.only).toEqual(['verify', 'refresh']);
    expect(options.seconds).toBe(0.5);
    expect(options.output).toBeNull();
  });

  it('refuses unknown benchmarks, unknown flags and unusable durations', () => {
    expect(() => parseBenchOptions(['--only', 'verify,tls'], output)).toThrow(/--only takes/);
    expect(() => parseBenchOptions(['--fast'], output)).toThrow();
    expect(() => parseBenchOptions(['--seconds', 'abc'], output)).toThrow(/--seconds takes/);
    expect(() => parseBenchOptions(['--seconds', '0'], output)).toThrow(/--seconds takes/);
    expect(() => parseBenchOptions(['--revocations', '0'], output)).toThrow(/--revocations takes/);
    expect(() => parseBenchOptions(['--revocations', '2.5'], output)).toThrow(/--revocations takes/);
  });

  it('takes the number of revocations for a quick run', () => {
    expect(parseBenchOptions(['--only', 'revocation', '--revocations', '50'], output)).toMatchObject({
      only: ['revocation'],
      revocations: 50,
    });
  });
});
