import type { StreamPart } from '@outpost/protocol';
import type { IdGenerator } from '../../ids/ids.js';
import { AttemptWatch, classifyInterruption, withRetries, yieldChunk } from '../attempt-watch.js';
import type { AttemptFailure, ChunkReadResult } from '../attempt-watch.js';
import { parseRetryAfter, retryableStatuses } from '../retry-policy.js';
import { NdjsonLineSplitter } from './ndjson-lines.js';
import { OllamaChatAccumulator } from './ollama-chat-chunk.js';
import { ollamaHttpError, ollamaUnreachableError } from './ollama-errors.js';

export interface OllamaStreamSettings {
  /** Without a trailing slash, as named in messages. */
  baseUrl: string;
  model: string;
  fetch: typeof fetch;
  maxRetries: number;
  /** Silence allowed once the answer has started. */
  idleTimeoutMs: number;
  sleep: (milliseconds: number) => Promise<void>;
  random: () => number;
  generateId: IdGenerator;
}

export interface OllamaStreamCall {
  /** The JSON body of `POST /api/chat`. */
  body: string;
  /** Silence allowed before the first byte: Ollama sends nothing while it reads the prompt. */
  firstByteTimeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Streams one `POST /api/chat`. Never throws: a failure becomes one `error` part and the stream
 * ends. A retryable failure (connection refused or reset, 408/409/425/429/5xx, a connection that
 * dies before any output) is retried with backoff, but only while nothing has been yielded yet.
 */
export function streamOllamaChat(
  settings: OllamaStreamSettings,
  call: OllamaStreamCall,
): AsyncGenerator<StreamPart, void> {
  return withRetries(() => attempt(settings, call), { ...settings, signal: call.signal });
}

async function* attempt(
  settings: OllamaStreamSettings,
  call: OllamaStreamCall,
): AsyncGenerator<StreamPart, AttemptFailure | undefined> {
  const { baseUrl } = settings;
  const { signal } = call;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const watch = new AttemptWatch({
    controller,
    firstByteTimeoutMs: call.firstByteTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
  });
  let outputStarted = false;
  const interrupted = (error: unknown, phase: 'connect' | 'read'): AttemptFailure =>
    classifyInterruption({
      error,
      phase,
      signal,
      watch,
      baseUrl,
      outputStarted,
      unreachable: ollamaUnreachableError,
    });

  try {
    let response: Response;
    try {
      response = await watch.watch(
        settings.fetch(`${baseUrl}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
          body: call.body,
          signal: controller.signal,
        }),
      );
    } catch (error) {
      return interrupted(error, 'connect');
    }
    if (!response.ok) {
      let bodyText = '';
      try {
        bodyText = await watch.watch(response.text());
      } catch (error) {
        if (signal?.aborted || watch.expired) return interrupted(error, 'read');
        // An unreadable error body: the status alone still tells what happened.
      }
      const { status, statusText } = response;
      const retryable = retryableStatuses.has(status);
      const model = settings.model;
      return {
        error: ollamaHttpError({ baseUrl, model, status, statusText, bodyText, retryable }),
        retry: retryable,
        retryAfterMs: parseRetryAfter(response.headers, Date.now()),
      };
    }
    if (response.body === null) return interrupted(new Error('the response has no body'), 'read');

    const accumulator = new OllamaChatAccumulator(settings.generateId);
    const onOutput = () => {
      outputStarted = true;
    };
    /** Yields what one chunk produced; a failure ends the attempt. */
    const take = (result: ChunkReadResult) => yieldChunk(result, { baseUrl, signal, onOutput });

    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const splitter = new NdjsonLineSplitter();
    while (!accumulator.finished) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await watch.watchBody(reader.read());
      } catch (error) {
        return interrupted(error, 'read');
      }
      const lines = chunk.done ? splitter.finish() : splitter.push(chunk.value);
      for (const line of lines) {
        const failure = yield* take(accumulator.read(line));
        if (failure) return failure;
        // Anything after the `done` line is not part of this answer.
        if (accumulator.finished) break;
      }
      if (chunk.done) break;
    }
    if (!accumulator.finished) {
      return interrupted(new Error('the response ended before it was complete'), 'read');
    }
    const failure = yield* take({ success: true, parts: accumulator.complete() });
    return failure;
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    // Releases the connection if the body was not read to the end.
    controller.abort();
  }
}
