// The real argon2, with a record of every call: how a test shows which paths do argon2 work and at what
// parameters, without timing anything (timings belong to `pnpm bench`, where noise is measured, not asserted).
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';

import type { Argon2Engine } from '../password.js';

export interface Argon2Call {
  operation: 'hash' | 'verify';
  /** The cost parameters the call ran at: of the options for a hash, of the stored hash for a verify. */
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

export interface CountingArgon2Engine extends Argon2Engine {
  /** Every call so far, oldest first. */
  readonly calls: readonly Argon2Call[];
  /** The most calls that were running at once so far (the hasher's concurrency bound caps it). */
  readonly maxInFlight: number;
  /** Forgets the calls so far (between the steps of one test). */
  reset(): void;
}

/** An argon2 engine that runs `@node-rs/argon2` and records each call; pass it as `engine` to the hasher. */
export function countingArgon2Engine(): CountingArgon2Engine {
  const calls: Argon2Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  async function counted<T>(work: () => Promise<T>): Promise<T> {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await work();
    } finally {
      inFlight -= 1;
    }
  }
  return {
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      calls.length = 0;
      maxInFlight = inFlight;
    },
    async hash(password, options) {
      calls.push({
        operation: 'hash',
        memoryCostKiB: options.memoryCost ?? Number.NaN,
        timeCost: options.timeCost ?? Number.NaN,
        parallelism: options.parallelism ?? Number.NaN,
      });
      return counted(() => argon2Hash(password, options));
    },
    async verify(hash, password) {
      calls.push({ operation: 'verify', ...parametersOf(hash) });
      return counted(() => argon2Verify(hash, password));
    },
  };
}

/** The cost parameters of a PHC string; NaN for a string argon2 cannot read (it will refuse it too). */
function parametersOf(hash: string): Omit<Argon2Call, 'operation'> {
  try {
    const parsed = parseOptions(hash);
    return { memoryCostKiB: parsed.memoryCost, timeCost: parsed.timeCost, parallelism: parsed.parallelism };
  } catch {
    return { memoryCostKiB: Number.NaN, timeCost: Number.NaN, parallelism: Number.NaN };
  }
}
