/**
 * Password hashing with argon2id, in the standard PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
 *
 * Library choice: `@node-rs/argon2` rather than `argon2` (node-argon2).
 * - Both wrap the reference C implementation's algorithm and read each other's PHC strings (checked).
 * - `@node-rs/argon2` ships a prebuilt binary per platform as an optional dependency, so `pnpm install`
 *   needs no C toolchain and no install script (pnpm runs none by default); `argon2`'s bundled binary needs
 *   Node-API 10 and crashes on Node 20 under pnpm unless rebuilt from source.
 * - Side by side at these parameters, @node-rs/argon2 verified faster than `argon2`, in flight and one at a
 *   time; `pnpm bench --only logins` (bench/README.md) measures logins against the argon2id floor.
 * Both run the hash on the libuv thread pool, off the event loop.
 *
 * A malformed stored hash: `verify` returns false (after spending a dummy verification, so timing does not
 * tell it apart) instead of throwing. A corrupt row then fails like a wrong password (401 CREDENTIALS), never
 * a 500 a caller could trigger; `needsRehash` returns true for it, so callers that want to log corruption can.
 */
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options as Argon2Options, Version } from '@node-rs/argon2';
import pLimit from 'p-limit';

import { AuthError, ConfigError } from './errors.js';
import { exceedsPasswordByteLimit, normalizePassword } from './password-policy.js';

/** OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB (19 MiB), t=2, p=1 (its first configuration). */
export const ARGON2_MEMORY_COST_KIB = 19_456;
/** OWASP Password Storage Cheat Sheet: 2 iterations with 19 MiB. */
export const ARGON2_TIME_COST = 2;
/** OWASP Password Storage Cheat Sheet: 1 degree of parallelism. */
export const ARGON2_PARALLELISM = 1;
/** RFC 9106 §3.1: a 256-bit tag. */
const ARGON2_OUTPUT_BYTES = 32;
/** `@node-rs/argon2`'s Algorithm.Argon2id and Version.V0x13; its enums are `const enum`s, which
 * isolatedModules cannot read from a declaration file. */
/* eslint-disable @typescript-eslint/no-unsafe-enum-assignment -- the enum values themselves are unreachable */
const ALGORITHM_ARGON2ID = 2 as Algorithm.Argon2id;
const VERSION_0X13 = 1 as Version.V0x13;
/* eslint-enable @typescript-eslint/no-unsafe-enum-assignment */

/**
 * argon2id of a random string nobody knows, with the default parameters above, computed once and committed:
 * `verifyDummy` checks against it so an unknown user costs what a wrong password costs.
 */
export const DEFAULT_DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$ogeS6jzJhMiNCunwuPtnRw$ICpcCiztPSdPY/9ATd7TC0ifhtFnPijJV9QLUNGygHE';

const PHC_PREFIX = '$argon2id$v=19$';

/**
 * How many argon2 computations run at once by default: one fewer than the cores this process may use, and at
 * least one. Each one keeps a core busy for its whole run (p=1), so under a flood of logins the rest queue here
 * rather than on the libuv pool, and one core stays free for the event loop: protected calls, refreshes and
 * the database driver keep answering while argon2 is saturated. Past the bound, more in flight only makes
 * every one of them slower and takes the last core too.
 */
export function defaultArgon2Concurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** The argon2 primitives the hasher calls; `@node-rs/argon2` unless a caller wraps it. */
export interface Argon2Engine {
  hash(password: string, options: Argon2Options): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

const NODE_RS_ARGON2: Argon2Engine = {
  hash: (password, options) => argon2Hash(password, options),
  verify: (hash, password) => argon2Verify(hash, password),
};

export interface PasswordHasherOptions {
  /** Lower only in tests that are not about the parameters. */
  memoryCostKiB?: number;
  timeCost?: number;
  parallelism?: number;
  /**
   * Wraps the real argon2 (tests count the work each path does through it, which is how they show that an
   * unknown user costs one verification and an oversized password costs none, without timing anything).
   */
  engine?: Argon2Engine;
  /** The most argon2 computations (hash, verify, dummy) running at once; the rest wait their turn.
   * {@link defaultArgon2Concurrency} unless told. */
  maxConcurrent?: number;
}

export interface PasswordHasher {
  readonly parameters: Readonly<Required<Omit<PasswordHasherOptions, 'engine' | 'maxConcurrent'>>>;
  /** The bound on argon2 computations running at once. */
  readonly maxConcurrent: number;
  /** NFKC-normalises, then hashes off the event loop. Throws AuthError PASSWORD_POLICY TOO_MANY_BYTES
   * (without hashing) for input over PASSWORD_MAX_BYTES. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`; false for a wrong password, an oversized input or a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was not made with this hasher's algorithm and parameters (or cannot be read). */
  needsRehash(hash: string): boolean;
  /** Costs what `verify` costs and always resolves false: call it when the user does not exist. */
  verifyDummy(password: string): Promise<false>;
}

/**
 * A password hasher with OWASP's argon2id parameters unless told otherwise.
 *
 * @example
 * const hasher = createPasswordHasher();
 * const ok = user ? await hasher.verify(user.passwordHash, password) : await hasher.verifyDummy(password);
 * if (ok && hasher.needsRehash(user.passwordHash)) await saveHash(await hasher.hash(password));
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const parameters = {
    memoryCostKiB: options.memoryCostKiB ?? ARGON2_MEMORY_COST_KIB,
    timeCost: options.timeCost ?? ARGON2_TIME_COST,
    parallelism: options.parallelism ?? ARGON2_PARALLELISM,
  };
  const { memoryCostKiB, timeCost, parallelism } = parameters;
  const maxConcurrent = options.maxConcurrent ?? defaultArgon2Concurrency();
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new ConfigError('OPTIONS_INVALID', 'argon2 concurrency must be a whole number of at least 1.');
  }
  // p-limit (sindresorhus) rather than a hand-written semaphore: a FIFO queue that releases a slot on
  // rejection too, the part hand-written ones get wrong.
  const limit = pLimit(maxConcurrent);
  const inner = options.engine ?? NODE_RS_ARGON2;
  const engine: Argon2Engine = {
    hash: (password, argonOptions) => limit(() => inner.hash(password, argonOptions)),
    verify: (hash, password) => limit(() => inner.verify(hash, password)),
  };
  // RFC 9106 §3.1: p in 1..2^24-1 (the library allows 255), m >= 8p KiB, t >= 1.
  if (
    !Number.isInteger(parallelism) ||
    parallelism < 1 ||
    parallelism > 255 ||
    !Number.isInteger(memoryCostKiB) ||
    memoryCostKiB < 8 * parallelism ||
    !Number.isInteger(timeCost) ||
    timeCost < 1
  ) {
    throw new ConfigError(
      'OPTIONS_INVALID',
      'argon2 parameters are invalid: need t >= 1, 1 <= p <= 255, m >= 8p KiB.',
    );
  }
  const argon2Options: Argon2Options = {
    algorithm: ALGORITHM_ARGON2ID,
    version: VERSION_0X13,
    memoryCost: memoryCostKiB,
    timeCost,
    parallelism,
    outputLen: ARGON2_OUTPUT_BYTES,
  };
  const isDefault =
    memoryCostKiB === ARGON2_MEMORY_COST_KIB &&
    timeCost === ARGON2_TIME_COST &&
    parallelism === ARGON2_PARALLELISM;
  let dummyHash: Promise<string> | undefined = isDefault ? Promise.resolve(DEFAULT_DUMMY_HASH) : undefined;

  const verifyDummy = async (password: string): Promise<false> => {
    if (typeof password !== 'string' || exceedsPasswordByteLimit(password)) return false;
    // Non-default parameters (tests) get their own dummy, made once, so the cost still matches `verify`.
    dummyHash ??= engine.hash(crypto.randomUUID(), argon2Options);
    try {
      await engine.verify(await dummyHash, normalizePassword(password));
    } catch {
      // The outcome is ignored; only the time spent matters.
    }
    return false;
  };

  return {
    parameters,
    maxConcurrent,

    async hash(password) {
      if (typeof password !== 'string' || exceedsPasswordByteLimit(password)) {
        throw new AuthError('PASSWORD_POLICY', 'TOO_MANY_BYTES', 'The password is too long.');
      }
      return engine.hash(normalizePassword(password), argon2Options);
    },

    async verify(hash, password) {
      if (typeof password !== 'string' || exceedsPasswordByteLimit(password)) return false;
      if (typeof hash !== 'string' || !hash.startsWith(PHC_PREFIX)) return verifyDummy(password);
      try {
        return await engine.verify(hash, normalizePassword(password));
      } catch {
        return false;
      }
    },

    needsRehash(hash) {
      try {
        const parsed = parseOptions(hash);
        return !(
          hash.startsWith(PHC_PREFIX) &&
          parsed.algorithm === ALGORITHM_ARGON2ID &&
          parsed.version === VERSION_0X13 &&
          parsed.memoryCost === memoryCostKiB &&
          parsed.timeCost === timeCost &&
          parsed.parallelism === parallelism &&
          parsed.outputLen === ARGON2_OUTPUT_BYTES
        );
      } catch {
        return true;
      }
    },

    verifyDummy,
  };
}
