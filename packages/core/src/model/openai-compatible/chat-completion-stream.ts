import type { ModelRequest, StreamPart } from '@outpost/protocol';
import { createParser } from 'eventsource-parser';
import type { IdGenerator } from '../../ids/ids.js';
import {
  AttemptWatch,
  classifyInterruption,
  LONGEST_TIMER_MS,
  withRetries,
  yieldChunk,
} from '../attempt-watch.js';
import type { AttemptFailure, ChunkReadResult } from '../attempt-watch.js';
import { cancelledError, httpStatusError, unreachableError } from '../model-server-errors.js';
import { parseRetryAfter, retryableStatuses } from '../retry-policy.js';
import { ChatCompletionAccumulator } from './chat-completion-chunks.js';
import { toChatCompletionBody } from './chat-completion-request.js';

export interface ChatStreamSettings {
  /** Without a trailing slash, as named in messages. */
  baseUrl: string;
  model: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  maxRetries: number;
  idleTimeoutMs: number;
  /**
   * Extra wait before the first byte per prompt token: a server sends nothing while it reads the
   * prompt, which on a small CPU runs at a few tokens per second.
   */
  millisecondsPerPromptToken: number;
  sleep: (milliseconds: number) => Promise<void>;
  random: () => number;
  generateId: IdGenerator;
}

/**
 * Streams one chat completion. Never throws: a failure becomes one `error` part and the stream
 * ends. A retryable failure (connection refused or reset, 408/409/425/429/5xx, a connection that
 * dies before any output) is retried with backoff, but only while nothing has been yielded yet:
 * partial output already consumed cannot be taken back.
 */
export function streamChatCompletion(
  settings: ChatStreamSettings,
  request: ModelRequest,
): AsyncGenerator<StreamPart, void> {
  const { signal } = request;
  const body = JSON.stringify(toChatCompletionBody(settings.model, request));
  // About four characters a token; the JSON body is a fair stand-in for the prompt's size.
  const firstByteTimeoutMs = Math.min(
    settings.idleTimeoutMs + Math.ceil((body.length / 4) * settings.millisecondsPerPromptToken),
    LONGEST_TIMER_MS,
  );
  return withRetries(() => attempt(settings, body, firstByteTimeoutMs, signal), {
    ...settings,
    signal,
  });
}

async function* attempt(
  settings: ChatStreamSettings,
  body: string,
  firstByteTimeoutMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart, AttemptFailure | undefined> {
  const { baseUrl } = settings;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const idle = new AttemptWatch({
    controller,
    firstByteTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
  });
  let outputStarted = false;

  const interrupted = (error: unknown, phase: 'connect' | 'read'): AttemptFailure =>
    classifyInterruption({
      error,
      phase,
      signal,
      watch: idle,
      baseUrl,
      outputStarted,
      unreachable: unreachableError,
    });

  try {
    let response: Response;
    try {
      response = await idle.watch(
        settings.fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: settings.headers,
          body,
          signal: controller.signal,
        }),
      );
    } catch (error) {
      return interrupted(error, 'connect');
    }
    if (!response.ok) {
      let text = '';
      try {
        text = await idle.watch(response.text());
      } catch (error) {
        if (signal?.aborted || idle.expired) return interrupted(error, 'read');
        // An unreadable error body: the status alone still tells what happened.
      }
      const retryable = retryableStatuses.has(response.status);
      return {
        error: httpStatusError(baseUrl, response.status, response.statusText, text, retryable),
        retry: retryable,
        retryAfterMs: parseRetryAfter(response.headers, Date.now()),
      };
    }

    const accumulator = new ChatCompletionAccumulator(settings.generateId);
    const onOutput = () => {
      outputStarted = true;
    };
    /** Yields what one chunk produced; a failure ends the attempt. */
    const take = (result: ChunkReadResult) => yieldChunk(result, { baseUrl, signal, onOutput });

    if (response.headers.get('content-type')?.includes('application/json')) {
      // The server ignored `stream: true` and sent one whole completion.
      let text: string;
      try {
        text = await idle.watchBody(response.text());
      } catch (error) {
        return interrupted(error, 'read');
      }
      const failure = yield* take(accumulator.read(text));
      if (failure) return failure;
    } else {
      const failure = yield* readEvents(response, idle, accumulator, take, interrupted);
      if (failure) return failure;
    }
    for (const part of accumulator.complete()) {
      yield part;
      if (signal?.aborted) return { error: cancelledError(), retry: false };
    }
    return undefined;
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    // Releases the connection if the body was not read to the end (early return or break).
    controller.abort();
  }
}

/** Reads SSE events until `[DONE]` or the end of the body; undefined when the response is whole. */
async function* readEvents(
  response: Response,
  idle: AttemptWatch,
  accumulator: ChatCompletionAccumulator,
  take: (result: ChunkReadResult) => Generator<StreamPart, AttemptFailure | undefined>,
  interrupted: (error: unknown, phase: 'read') => AttemptFailure,
): AsyncGenerator<StreamPart, AttemptFailure | undefined> {
  if (response.body === null) return interrupted(new Error('the response has no body'), 'read');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event.data) });
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await idle.watchBody(reader.read());
    } catch (error) {
      const failure = interrupted(error, 'read');
      // Cut off after the finish reason (only the usage chunk lost): the answer itself is whole.
      if (accumulator.finished && failure.error.kind === 'stream') return undefined;
      return failure;
    }
    if (chunk.done) break;
    parser.feed(decoder.decode(chunk.value, { stream: true }));
    for (const data of events.splice(0)) {
      if (data.trim() === '[DONE]') return undefined;
      const failure = yield* take(accumulator.read(data));
      if (failure) return failure;
    }
  }
  if (accumulator.finished) return undefined;
  return interrupted(new Error('the response ended before it was complete'), 'read');
}
