import type { ModelErrorInfo, StreamPart } from '@outpost/protocol';
import { IdleTimeout } from './idle-timeout.js';
import {
  cancelledError,
  connectionBrokeError,
  describeConnectionFailure,
  idleTimeoutError,
  protocolError,
  streamReportedError,
} from './model-server-errors.js';
import { retryDelayMs } from './retry-policy.js';
import type { ConnectionFailure } from './model-server-errors.js';

/** How one attempt of a streamed model call failed; `retry` only while nothing was yielded. */
export interface AttemptFailure {
  error: ModelErrorInfo;
  retry: boolean;
  retryAfterMs?: number;
}

/**
 * The timeouts of one streamed call, both following progress (DESIGN §2.2): until the first body
 * bytes arrive the server may still be reading the prompt, so that wait is prompt-sized
 * (`firstByteTimeoutMs`); after them, silence for `idleTimeoutMs` means the server is stuck.
 * Response headers can come before the prompt is read, so only `watchBody` ends the first wait.
 */
export class AttemptWatch {
  readonly #firstByte: IdleTimeout;
  readonly #steady: IdleTimeout;
  readonly #firstByteTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  #received = false;

  constructor(options: {
    controller: AbortController;
    firstByteTimeoutMs: number;
    idleTimeoutMs: number;
  }) {
    this.#firstByteTimeoutMs = options.firstByteTimeoutMs;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#firstByte = new IdleTimeout(options.firstByteTimeoutMs, options.controller);
    this.#steady = new IdleTimeout(options.idleTimeoutMs, options.controller);
  }

  /** True once a watched step went silent for its whole timeout. */
  get expired(): boolean {
    return this.#firstByte.expired || this.#steady.expired;
  }

  /** How long the server was silent when the call was given up. */
  get silenceMs(): number {
    return this.#firstByte.expired ? this.#firstByteTimeoutMs : this.#idleTimeoutMs;
  }

  /** Watches a step that is not body bytes (the response headers, an error body). */
  watch<Value>(operation: Promise<Value>): Promise<Value> {
    return (this.#received ? this.#steady : this.#firstByte).watch(operation);
  }

  /** Watches a read of the body; once bytes came, the steady timeout applies. */
  async watchBody<Value>(operation: Promise<Value>): Promise<Value> {
    const value = await this.watch(operation);
    this.#received = true;
    return value;
  }
}

/**
 * A rejected fetch or read, classified: cancelled, timed out, unreachable (never connected), or
 * a connection that broke — retryable only before any output reached the caller.
 */
export function classifyInterruption(options: {
  error: unknown;
  phase: 'connect' | 'read';
  signal: AbortSignal | undefined;
  watch: AttemptWatch;
  baseUrl: string;
  outputStarted: boolean;
  unreachable: (baseUrl: string, failure: ConnectionFailure) => ModelErrorInfo;
}): AttemptFailure {
  const { phase, baseUrl, outputStarted } = options;
  if (options.signal?.aborted) return { error: cancelledError(), retry: false };
  if (options.watch.expired) {
    return { error: idleTimeoutError(baseUrl, options.watch.silenceMs), retry: false };
  }
  const connection = describeConnectionFailure(options.error);
  if (phase === 'connect' && !connection.connected) {
    return { error: options.unreachable(baseUrl, connection), retry: connection.retryable };
  }
  const when =
    phase === 'connect' ? 'before-answer' : outputStarted ? 'after-output' : 'before-output';
  const retry = phase === 'connect' ? connection.retryable : !outputStarted;
  return { error: connectionBrokeError(baseUrl, connection.reason, when), retry };
}

/** What reading one chunk (an SSE event, an NDJSON line) of a server's answer gave. */
export type ChunkReadResult =
  | { success: true; parts: StreamPart[] }
  | { success: false; error: { source: 'server' | 'client'; detail: string } };

/**
 * Yields the parts one chunk produced, calling `onOutput` before each (from then on a failure may
 * not be retried); a chunk that reports an error or cannot be read, or a cancellation between
 * parts, ends the attempt with the returned failure.
 */
export function* yieldChunk(
  result: ChunkReadResult,
  context: { baseUrl: string; signal: AbortSignal | undefined; onOutput: () => void },
): Generator<StreamPart, AttemptFailure | undefined> {
  if (!result.success) {
    const { source, detail } = result.error;
    const error =
      source === 'server'
        ? streamReportedError(context.baseUrl, detail)
        : protocolError(context.baseUrl, detail);
    return { error, retry: false };
  }
  for (const part of result.parts) {
    context.onOutput();
    yield part;
    if (context.signal?.aborted) return { error: cancelledError(), retry: false };
  }
  return undefined;
}

/** Waits for `sleeping`, or less if `signal` aborts first. */
export function unlessAborted(
  sleeping: Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    sleeping.then(done, done);
  });
}

/** setTimeout's largest delay (about 24.8 days); a longer one would fire at once. */
export const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * Runs `attempt` until it succeeds, fails for good, or is cancelled. Never throws: a failure is
 * one `error` part and the stream ends. A retryable failure (connection refused or reset,
 * 408/409/425/429/5xx, a connection that dies before any output) is retried with backoff — only
 * while nothing has been yielded, since output already consumed cannot be taken back.
 */
export async function* withRetries(
  attempt: () => AsyncGenerator<StreamPart, AttemptFailure | undefined>,
  settings: {
    baseUrl: string;
    maxRetries: number;
    random: () => number;
    sleep: (milliseconds: number) => Promise<void>;
    signal: AbortSignal | undefined;
  },
): AsyncGenerator<StreamPart, void> {
  const { signal } = settings;
  try {
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) {
        yield { type: 'error', error: cancelledError() };
        return;
      }
      const failure = yield* attempt();
      if (failure === undefined) return;
      if (!failure.retry || retry >= settings.maxRetries) {
        const tries = retry > 0 && failure.retry ? ` Tried ${retry + 1} times.` : '';
        yield {
          type: 'error',
          error: { ...failure.error, message: failure.error.message + tries },
        };
        return;
      }
      const delay = retryDelayMs(retry, settings.random, failure.retryAfterMs);
      await unlessAborted(settings.sleep(delay), signal);
    }
  } catch (error) {
    // Not a failure of the server but of this code; still reported as a part, as promised.
    const detail = error instanceof Error ? error.message : String(error);
    yield { type: 'error', error: protocolError(settings.baseUrl, detail) };
  }
}
