import type { EmbeddingModel } from '@outpost/protocol';
import { z } from 'zod';
import { ollamaHttpError, ollamaUnreachableError } from '../ollama/ollama-errors.js';
import { abortableSleep, postEmbeddingRequest } from './embedding-request.js';
import { createHttpEmbeddingModel } from './http-embedding-model.js';

export interface OllamaEmbeddingModelOptions {
  /** Ollama's address, e.g. `http://127.0.0.1:11434` (the native API: no `/v1`). */
  baseUrl: string;
  /** As `ollama list` shows it, e.g. `nomic-embed-text`. */
  model: string;
  /** The composition root's guarded `fetch` (`createGuardedFetch`), so `--offline` holds. */
  fetch?: typeof fetch;
  /** Texts per request; default 32. */
  batchSize?: number;
  /** Gives up when Ollama sends nothing for this long; default 10 minutes (a slow CPU). */
  idleTimeoutMs?: number;
  /** Retries of a retryable failure (refused, reset, 429, 5xx); default 2. */
  maxRetries?: number;
  /** Waits between retries; injected by tests. */
  sleep?: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Jitter for retry backoff, in [0, 1); default `Math.random`. */
  random?: () => number;
}

const EmbedAnswer = z.object({ embeddings: z.array(z.array(z.number())) });

/**
 * An `EmbeddingModel` for Ollama's native `POST /api/embed` (Ollama 0.3 and later), with
 * `input: [...]` and `truncate: true`, so Ollama cuts a text longer than the model's context
 * instead of failing. A model Ollama has not pulled is an error saying how to pull it.
 */
export function createOllamaEmbeddingModel(options: OllamaEmbeddingModelOptions): EmbeddingModel {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { model } = options;
  const settings = {
    baseUrl,
    path: '/api/embed',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    maxRetries: options.maxRetries ?? 2,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    unreachable: (failure) => ollamaUnreachableError(baseUrl, failure),
    httpError: (failure) => ollamaHttpError({ baseUrl, model, ...failure }),
  } satisfies Parameters<typeof postEmbeddingRequest>[0];

  return createHttpEmbeddingModel({
    provider: 'ollama',
    modelId: model,
    where: `Ollama at ${baseUrl}`,
    batchSize: options.batchSize ?? 32,
    async embedBatch(texts, signal) {
      const body = { model, input: texts, truncate: true };
      return (await postEmbeddingRequest(settings, body, EmbedAnswer, signal)).embeddings;
    },
  });
}
