// Test support: Node has no Web Locks API.
import type { LockManagerLike } from '../refresh-coordinator.js';

/**
 * An exclusive, FIFO, in-process stand-in for navigator.locks (which Node lacks): it is the environment,
 * not the coordinator under test. Honours AbortSignal on waits like the real API.
 */
export function inProcessLocks(): LockManagerLike & { held: () => boolean } {
  let tail: Promise<unknown> = Promise.resolve();
  let held = false;
  return {
    held: () => held,
    request: <T>(
      _name: string,
      options: { signal?: AbortSignal },
      callback: () => Promise<T>,
    ): Promise<T> => {
      const previous = tail;
      const run = new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          reject(new DOMException('The request was aborted.', 'AbortError'));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        void previous.then(async () => {
          if (options.signal?.aborted === true) return;
          options.signal?.removeEventListener('abort', onAbort);
          held = true;
          try {
            resolve(await callback());
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          } finally {
            held = false;
          }
        });
      });
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
