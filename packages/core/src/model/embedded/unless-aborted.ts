/**
 * Waits for `promise` (which must not reject) unless `signal` aborts first. The promise keeps
 * running either way: a shared model load is not stopped because one caller gave up on it.
 */
export function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<{ aborted: true } | { aborted: false; value: T }> {
  if (signal === undefined) return promise.then((value) => ({ aborted: false, value }));
  if (signal.aborted) return Promise.resolve({ aborted: true });
  return new Promise((resolve) => {
    const onAbort = () => resolve({ aborted: true });
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ aborted: false, value });
    });
  });
}
