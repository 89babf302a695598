import { availableParallelism } from 'node:os';
import { hash as argon2Hash, parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';

import { AuthError } from './errors.js';
import {
  ARGON2_MEMORY_COST_KIB,
  ARGON2_PARALLELISM,
  ARGON2_TIME_COST,
  DEFAULT_DUMMY_HASH,
  createPasswordHasher,
  defaultArgon2Concurrency,
} from './password.js';
import { countingArgon2Engine } from './testing/index.js';

/** Cheap parameters for tests that are not about the parameters. */
const TEST_PARAMETERS = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const hasher = createPasswordHasher(TEST_PARAMETERS);

describe('hash and verify', () => {
  it('produces a standard argon2id PHC string that verifies the password and nothing else', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies a PHC string written by node-argon2 (the format is the standard one)', async () => {
    const fromNodeArgon2 =
      '$argon2id$v=19$m=1024,p=1,t=1$MBAvV4ZYB34OIaOx0V7QaQ$wB6gcIpB/TqjmxuazRbuNwYtF4L7AZAal4maf4VsZnM';
    expect(await hasher.verify(fromNodeArgon2, 'correct horse battery staple')).toBe(true);
    expect(hasher.needsRehash(fromNodeArgon2)).toBe(false);
  });

  it('treats NFKC-equivalent spellings as the same password', async () => {
    const hash = await hasher.hash('ｐａｓｓｗｏｒｄ－１２３');
    expect(await hasher.verify(hash, 'password-123')).toBe(true);
    const composed = await hasher.hash('caf\u00e9 au lait');
    expect(await hasher.verify(composed, 'cafe\u0301 au lait')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['not PHC', 'not-a-hash'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuJ3sOM5lIY0IQ2uDxt3CzE2cL1t0pEvW'],
    ['truncated argon2id', '$argon2id$v=19$m=1024,t=1,p=1$MBAvV4ZYB34OIaOx0V7QaQ'],
    ['bad base64 in argon2id', '$argon2id$v=19$m=1024,t=1,p=1$!!!!$!!!!'],
    [
      'argon2i',
      '$argon2i$v=19$m=1024,t=1,p=1$MBAvV4ZYB34OIaOx0V7QaQ$wB6gcIpB/TqjmxuazRbuNwYtF4L7AZAal4maf4VsZnM',
    ],
  ])(
    'returns false, never throws, for a malformed stored hash (%s), and flags it for rehash',
    async (_name, stored) => {
      await expect(hasher.verify(stored, 'correct horse battery staple')).resolves.toBe(false);
      expect(hasher.needsRehash(stored)).toBe(true);
    },
  );

  it('refuses to hash an oversized password, and verifies it as false, without any argon2 work', async () => {
    const huge = 'a'.repeat(1024 * 1024);
    const engine = countingArgon2Engine();
    const counted = createPasswordHasher({ ...TEST_PARAMETERS, engine });
    await expect(counted.hash(huge)).rejects.toMatchObject({
      code: 'PASSWORD_POLICY',
      detail: 'TOO_MANY_BYTES',
    });
    await expect(counted.hash(huge)).rejects.toBeInstanceOf(AuthError);
    await expect(counted.verify(DEFAULT_DUMMY_HASH, huge)).resolves.toBe(false);
    await expect(counted.verifyDummy(huge)).resolves.toBe(false);
    expect(engine.calls).toEqual([]);
    // The same engine does see an ordinary password, so the empty record above means something.
    await counted.hash('an ordinary password');
    expect(engine.calls.map((call) => call.operation)).toEqual(['hash']);
  });
});

describe('needsRehash', () => {
  it('is true for an argon2id hash with another output length', async () => {
    // @node-rs/argon2 defaults to argon2id v=19; only the output length differs from this hasher's.
    const short = await argon2Hash('correct horse battery staple', {
      memoryCost: TEST_PARAMETERS.memoryCostKiB,
      timeCost: TEST_PARAMETERS.timeCost,
      parallelism: TEST_PARAMETERS.parallelism,
      outputLen: 16,
    });
    expect(short.startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
    expect(await hasher.verify(short, 'correct horse battery staple')).toBe(true);
    expect(hasher.needsRehash(short)).toBe(true);
  });

  it("is false for this hasher's own hashes and true when any parameter differs", async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hasher.needsRehash(hash)).toBe(false);
    for (const other of [
      { ...TEST_PARAMETERS, memoryCostKiB: 2048 },
      { ...TEST_PARAMETERS, timeCost: 2 },
      { ...TEST_PARAMETERS, parallelism: 2 },
    ]) {
      expect(createPasswordHasher(other).needsRehash(hash)).toBe(true);
    }
  });
});

describe('verifyDummy', () => {
  it('uses the committed dummy hash at the default parameters, and makes none', async () => {
    const engine = countingArgon2Engine();
    const counted = createPasswordHasher({ engine });
    await expect(counted.verifyDummy('correct horse battery staple')).resolves.toBe(false);
    expect(engine.calls).toEqual([
      { operation: 'verify', memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 },
    ]);
  });

  it.each([
    ['only m differs', { memoryCostKiB: 1024, timeCost: 2, parallelism: 1 }],
    ['only t differs', { memoryCostKiB: 19_456, timeCost: 1, parallelism: 1 }],
    ['only p differs', { memoryCostKiB: 19_456, timeCost: 2, parallelism: 2 }],
  ])(
    'makes its own dummy hash when %s from the defaults, and verifies at its own parameters',
    async (_name, parameters) => {
      const engine = countingArgon2Engine();
      const counted = createPasswordHasher({ ...parameters, engine });
      await counted.verifyDummy('correct horse battery staple');
      expect(engine.calls).toEqual([
        { operation: 'hash', ...parameters },
        { operation: 'verify', ...parameters },
      ]);
    },
  );

  it('resolves false without argon2 work for a non-string, as verify does', async () => {
    const engine = countingArgon2Engine();
    const counted = createPasswordHasher({ ...TEST_PARAMETERS, engine });
    const stored = await counted.hash('correct horse battery staple');
    engine.reset();
    for (const value of [undefined, null, 42, ['correct horse battery staple']]) {
      await expect(counted.verifyDummy(value as unknown as string)).resolves.toBe(false);
      await expect(counted.verify(stored, value as unknown as string)).resolves.toBe(false);
      await expect(counted.hash(value as unknown as string)).rejects.toMatchObject({
        name: 'AuthError',
        code: 'PASSWORD_POLICY',
        detail: 'TOO_MANY_BYTES',
        message: 'The password is too long.',
      });
    }
    expect(engine.calls).toEqual([]);
  });

  it('spends one dummy verification on a stored hash that is not a string', async () => {
    const engine = countingArgon2Engine();
    const counted = createPasswordHasher({ ...TEST_PARAMETERS, engine });
    await counted.verifyDummy('warm up: the first call makes the dummy hash');
    engine.reset();
    for (const stored of [undefined, null, 42])
      await expect(counted.verify(stored as unknown as string, 'correct horse battery staple')).resolves.toBe(
        false,
      );
    expect(engine.calls.map((call) => call.operation)).toEqual(['verify', 'verify', 'verify']);
  });

  it('always resolves false', async () => {
    await expect(hasher.verifyDummy('correct horse battery staple')).resolves.toBe(false);
    await expect(hasher.verifyDummy('')).resolves.toBe(false);
  });

  it('does the same argon2 work as a wrong password: one verification at the same parameters', async () => {
    // The time ratio itself is measured by `pnpm bench --only logins` (unknown user vs wrong password).
    const engine = countingArgon2Engine();
    const counted = createPasswordHasher({ ...TEST_PARAMETERS, engine });
    const stored = await counted.hash('correct horse battery staple');
    await counted.verifyDummy('warm up: the first call makes the dummy hash');
    engine.reset();

    await counted.verify(stored, 'wrong password');
    const wrongPassword = [...engine.calls];
    engine.reset();
    await counted.verifyDummy('wrong password');
    const unknownUser = [...engine.calls];
    engine.reset();
    await counted.verify('not-a-hash', 'wrong password');
    const corruptRow = [...engine.calls];

    const expected = [{ operation: 'verify', memoryCostKiB: 1024, timeCost: 1, parallelism: 1 }];
    expect(wrongPassword).toEqual(expected);
    expect(unknownUser).toEqual(expected);
    expect(corruptRow).toEqual(expected);
  });
});

describe('defaults', () => {
  it('uses OWASP argon2id parameters, off the event loop, with a matching dummy hash', async () => {
    expect([ARGON2_MEMORY_COST_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM]).toEqual([19_456, 2, 1]);
    const real = createPasswordHasher();
    expect(real.parameters).toEqual({ memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 });

    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
    }, 1);
    const hash = await real.hash('correct horse battery staple');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);

    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await real.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(real.needsRehash(hash)).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
    expect(parseOptions(DEFAULT_DUMMY_HASH)).toMatchObject({
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
    });
    expect(real.needsRehash(DEFAULT_DUMMY_HASH)).toBe(false);
    await expect(real.verifyDummy('correct horse battery staple')).resolves.toBe(false);
  });

  it('refuses impossible parameters', () => {
    expect(() => createPasswordHasher({ timeCost: 0 })).toThrow(/argon2 parameters are invalid/);
    expect(() => createPasswordHasher({ memoryCostKiB: 4, parallelism: 1 })).toThrow(
      /argon2 parameters are invalid/,
    );
    expect(() => createPasswordHasher({ parallelism: 0 })).toThrow(/argon2 parameters are invalid/);
  });

  it.each([
    ['p above 255', { memoryCostKiB: 8 * 256, timeCost: 1, parallelism: 256 }],
    ['m below 8p', { memoryCostKiB: 15, timeCost: 1, parallelism: 2 }],
    ['a fractional m', { memoryCostKiB: 1024.5, timeCost: 1, parallelism: 1 }],
    ['a fractional t', { memoryCostKiB: 1024, timeCost: 1.5, parallelism: 1 }],
    ['a fractional p', { memoryCostKiB: 1024, timeCost: 1, parallelism: 1.5 }],
  ])('refuses %s with ConfigError OPTIONS_INVALID', (_name, parameters) => {
    expect(() => createPasswordHasher(parameters)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        detail: 'OPTIONS_INVALID',
        message: 'argon2 parameters are invalid: need t >= 1, 1 <= p <= 255, m >= 8p KiB.',
      }),
    );
  });

  it.each([
    ['p = 255 with m = 8p', { memoryCostKiB: 8 * 255, timeCost: 1, parallelism: 255 }],
    ['m = 8p', { memoryCostKiB: 16, timeCost: 1, parallelism: 2 }],
    ['t = 1', { memoryCostKiB: 8, timeCost: 1, parallelism: 1 }],
  ])('accepts the boundary %s', (_name, parameters) => {
    expect(createPasswordHasher(parameters).parameters).toEqual(parameters);
  });
});

describe('the argon2 concurrency bound', () => {
  it('never runs more than maxConcurrent hashes and verifications at once, and finishes them all', async () => {
    const engine = countingArgon2Engine();
    const bounded = createPasswordHasher({ ...TEST_PARAMETERS, engine, maxConcurrent: 2 });
    const hash = await bounded.hash('correct horse battery staple');
    engine.reset();
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => bounded.verify(hash, 'correct horse battery staple')),
      bounded.verify(hash, 'wrong password'),
      bounded.verifyDummy('anything'),
      bounded.hash('another password'),
    ]);
    // Nine calls, and the dummy hash that non-default parameters make once before their first dummy check.
    expect(engine.calls).toHaveLength(10);
    expect(engine.maxInFlight).toBe(2);
    expect(results.slice(0, 8)).toEqual([true, true, true, true, true, true, false, false]);
  });

  it('frees its slot when argon2 fails, so a failure cannot wedge the queue', async () => {
    const bounded = createPasswordHasher({
      ...TEST_PARAMETERS,
      maxConcurrent: 1,
      engine: {
        hash: () => Promise.reject(new Error('argon2 failed')),
        verify: () => Promise.reject(new Error('argon2 failed')),
      },
    });
    await expect(bounded.hash('one')).rejects.toThrow('argon2 failed');
    // A malformed answer from argon2 is a false verification, and the next call still gets the slot.
    expect(await bounded.verify(DEFAULT_DUMMY_HASH, 'two')).toBe(false);
    await expect(bounded.hash('three')).rejects.toThrow('argon2 failed');
  });

  it('leaves one core to the event loop by default, and refuses a bound below one', () => {
    expect(defaultArgon2Concurrency()).toBe(Math.max(1, availableParallelism() - 1));
    expect(createPasswordHasher(TEST_PARAMETERS).maxConcurrent).toBe(defaultArgon2Concurrency());
    for (const maxConcurrent of [0, -1, 1.5, Number.NaN]) {
      expect(() => createPasswordHasher({ ...TEST_PARAMETERS, maxConcurrent })).toThrow(
        /argon2 concurrency must be a whole number/,
      );
    }
  });
});
