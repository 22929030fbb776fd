import type { EmbeddingModel } from '@outpost/protocol';
import { z } from 'zod';
import { ModelCallError } from '../../errors/model-call-error.js';
import { httpStatusError, protocolError, unreachableError } from '../model-server-errors.js';
import { abortableSleep, postEmbeddingRequest } from './embedding-request.js';
import { createHttpEmbeddingModel } from './http-embedding-model.js';

export interface OpenAiCompatibleEmbeddingModelOptions {
  /** The server's OpenAI-compatible base, e.g. `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  /** The model name the server knows. */
  model: string;
  apiKey?: string;
  /** The composition root's guarded `fetch` (`createGuardedFetch`), so `--offline` holds. */
  fetch?: typeof fetch;
  /** Texts per request; default 32. */
  batchSize?: number;
  /** Gives up when the server sends nothing for this long; default 10 minutes (a slow CPU). */
  idleTimeoutMs?: number;
  /** Retries of a retryable failure (refused, reset, 429, 5xx); default 2. */
  maxRetries?: number;
  /** Waits between retries; injected by tests. */
  sleep?: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Jitter for retry backoff, in [0, 1); default `Math.random`. */
  random?: () => number;
}

const Vector = z.array(z.number());

/** The answer of `POST /embeddings`; llama.cpp's `--pooling none` sends a vector per token. */
const EmbeddingList = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative().optional(),
      embedding: z.union([Vector, z.array(Vector)]),
    }),
  ),
});
type EmbeddingList = z.infer<typeof EmbeddingList>;

/**
 * An `EmbeddingModel` for any server with OpenAI's `POST /v1/embeddings`: llama.cpp server
 * (started with `--embeddings`), LM Studio, vLLM, Ollama's `/v1`. Such servers do not cut long
 * texts (llama.cpp refuses a text longer than its batch), so callers keep texts short.
 */
export function createOpenAiCompatibleEmbeddingModel(
  options: OpenAiCompatibleEmbeddingModelOptions,
): EmbeddingModel {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const settings = {
    baseUrl,
    path: '/embeddings',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    maxRetries: options.maxRetries ?? 2,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    unreachable: (failure) => unreachableError(baseUrl, failure),
    httpError: (failure) =>
      httpStatusError(
        baseUrl,
        failure.status,
        failure.statusText,
        failure.bodyText,
        failure.retryable,
      ),
  } satisfies Parameters<typeof postEmbeddingRequest>[0];

  return createHttpEmbeddingModel({
    provider: 'openai-compatible',
    modelId: options.model,
    where: `The model server at ${baseUrl}`,
    batchSize: options.batchSize ?? 32,
    async embedBatch(texts, signal) {
      const body = { model: options.model, input: texts, encoding_format: 'float' };
      const answer = await postEmbeddingRequest(settings, body, EmbeddingList, signal);
      return inInputOrder(baseUrl, answer);
    },
  });
}

/** The vectors in the order of the texts: by `index` when the server sent one for each. */
function inInputOrder(baseUrl: string, answer: EmbeddingList): number[][] {
  const items = answer.data;
  const indexed = items.every((item) => item.index !== undefined);
  const ordered = indexed ? items.toSorted((a, b) => (a.index ?? 0) - (b.index ?? 0)) : items;
  return ordered.map((item, position) => {
    if (indexed && item.index !== position) {
      const detail = `POST /embeddings answered index ${item.index} where ${position} was expected`;
      throw new ModelCallError(protocolError(baseUrl, detail));
    }
    const { embedding } = item;
    if (isVectorPerToken(embedding)) {
      const detail =
        'POST /embeddings answered a vector per token instead of one per text; ' +
        'start llama.cpp server with --pooling mean (or the pooling the model was made for)';
      throw new ModelCallError(protocolError(baseUrl, detail));
    }
    return embedding;
  });
}

function isVectorPerToken(embedding: number[] | number[][]): embedding is number[][] {
  return embedding.length > 0 && Array.isArray(embedding[0]);
}
