/**
 * A timeout that follows progress, not the wall clock (DESIGN §2.2): each watched step (waiting
 * for response headers, reading the next bytes) gets `timeoutMs` on its own, so a model that
 * needs minutes of CPU prefill but then streams steadily is never cut off, while a server that
 * goes silent is. On expiry it aborts `controller`, which ends the fetch or body read.
 */
export class IdleTimeout {
  readonly #timeoutMs: number;
  readonly #controller: AbortController;
  #expired = false;

  constructor(timeoutMs: number, controller: AbortController) {
    this.#timeoutMs = timeoutMs;
    this.#controller = controller;
  }

  /** True once a watched step went silent for the whole timeout. */
  get expired(): boolean {
    return this.#expired;
  }

  /**
   * Settles like `operation`, or rejects when the controller aborts first (this timeout or
   * anyone else), even if `operation` ignores the abort. The step is not timed after it settles.
   */
  watch<Value>(operation: Promise<Value>): Promise<Value> {
    const signal = this.#controller.signal;
    return new Promise<Value>((resolve, reject) => {
      const onAbort = () => {
        settle();
        reject(abortReason(signal));
      };
      const timer = signal.aborted
        ? undefined
        : setTimeout(() => {
            this.#expired = true;
            this.#controller.abort(new Error(`No progress for ${this.#timeoutMs} ms.`));
          }, this.#timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      // Handlers go on first, so a rejection after the abort is never left unhandled.
      operation.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The operation was aborted.');
}
