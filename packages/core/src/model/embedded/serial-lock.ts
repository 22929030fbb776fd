import { unlessAborted } from './unless-aborted.js';

/** Lets one holder at a time through, in arrival order. */
export interface SerialLock {
  /**
   * Waits for the lock and returns its release function, or undefined when `signal` aborted
   * first (the place in line is then passed on as soon as it comes).
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | undefined>;
}

/**
 * Serialises model calls on the adapter's single context sequence: a second call waits for the
 * first to finish instead of interleaving its tokens in the same sequence.
 */
export function createSerialLock(): SerialLock {
  let tail: Promise<void> = Promise.resolve();
  return {
    async acquire(signal) {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      const waited = await unlessAborted(previous, signal);
      if (!waited.aborted) return release;
      void previous.then(release);
      return undefined;
    },
  };
}

/**
 * Frees a lazily loaded runtime: waits for its load (nothing to free if it never started or
 * failed), then for the call in progress to finish with it (the lock), then disposes it.
 */
export async function disposeWhenIdle(
  load:
    | Promise<{ success: true; runtime: { dispose(): Promise<void> } } | { success: false }>
    | undefined,
  lock: SerialLock,
): Promise<void> {
  if (load === undefined) return;
  const result = await load;
  if (!result.success) return;
  const release = await lock.acquire();
  try {
    await result.runtime.dispose();
  } finally {
    release?.();
  }
}
