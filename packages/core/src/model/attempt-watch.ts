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
