// The real argon2, except that a test can hold the answer of the next verification until it says so: how a
// race test puts a password change or a disable exactly between a login's read of the user and its session
// insert, without mocking either side. The verification itself still runs, on the real hash.
import type { Argon2Engine } from '@latchkey/auth';
import { countingArgon2Engine } from '@latchkey/auth/testing';

export interface HeldVerification {
  /** Resolves once the held verification has been called (the login has read the user by then). */
  readonly started: Promise<void>;
  /** Lets the held verification hand back its real result. */
  release(): void;
}

export interface HeldArgon2Engine extends Argon2Engine {
  /** Holds the next `verify` call only; the ones after it run straight through. */
  holdNextVerify(): HeldVerification;
}

/** An argon2 engine over `@node-rs/argon2` whose next verification a test can hold back. */
export function heldArgon2Engine(): HeldArgon2Engine {
  const real = countingArgon2Engine();
  let pending: { started: () => void; released: Promise<void> } | null = null;
  return {
    hash: (password, options) => real.hash(password, options),
    async verify(hash, password) {
      const hold = pending;
      pending = null;
      if (hold === null) return real.verify(hash, password);
      hold.started();
      const matches = await real.verify(hash, password);
      await hold.released;
      return matches;
    },
    holdNextVerify() {
      let started = (): void => undefined;
      let release = (): void => undefined;
      const startedPromise = new Promise<void>((resolve) => {
        started = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      pending = { started, released };
      return { started: startedPromise, release };
    },
  };
}
