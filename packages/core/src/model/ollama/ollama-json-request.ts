import type { z } from 'zod';
import { ModelCallError } from '../../errors/model-call-error.js';
import { IdleTimeout } from '../idle-timeout.js';
import {
  cancelledError,
  describeConnectionFailure,
  idleTimeoutError,
  protocolError,
} from '../model-server-errors.js';
import { retryableStatuses } from '../retry-policy.js';
import { ollamaHttpError, ollamaUnreachableError } from './ollama-errors.js';

export interface OllamaJsonRequestOptions<Schema extends z.ZodType> {
  /** Ollama's address, e.g. `http://127.0.0.1:11434`, without a trailing slash. */
  baseUrl: string;
  /** e.g. `/api/tags`. */
  path: string;
  /** A JSON body, sent with POST; without one the request is a GET. */
  body?: object;
  /** Named in a 404 "model not found" message. */
  model?: string;
  schema: Schema;
  fetch: typeof fetch;
  /** Gives up when Ollama sends nothing for this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One small JSON request to Ollama (`/api/show`, `/api/tags`, `/api/ps`), checked against
 * `schema`. Throws `ModelCallError` with a message naming Ollama's address when it is unreachable,
 * silent for `timeoutMs`, answers with an error, or answers something else.
 */
export async function requestOllamaJson<Schema extends z.ZodType>(
  options: OllamaJsonRequestOptions<Schema>,
): Promise<z.infer<Schema>> {
  const { baseUrl, path, timeoutMs, signal } = options;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) forwardAbort();
  else signal?.addEventListener('abort', forwardAbort, { once: true });
  const idle = new IdleTimeout(timeoutMs, controller);
  try {
    let response: Response;
    let text: string;
    try {
      const init: RequestInit =
        options.body === undefined
          ? { signal: controller.signal }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(options.body),
              signal: controller.signal,
            };
      response = await idle.watch(options.fetch(`${baseUrl}${path}`, init));
      text = await idle.watch(response.text());
    } catch (error) {
      if (signal?.aborted) throw new ModelCallError(cancelledError(), { cause: error });
      if (idle.expired) {
        throw new ModelCallError(idleTimeoutError(baseUrl, timeoutMs), { cause: error });
      }
      const info = ollamaUnreachableError(baseUrl, describeConnectionFailure(error));
      throw new ModelCallError(info, { cause: error });
    }
    if (!response.ok) {
      const { status, statusText } = response;
      const retryable = retryableStatuses.has(status);
      const model = options.model;
      throw new ModelCallError(
        ollamaHttpError({ baseUrl, model, status, statusText, bodyText: text, retryable }),
      );
    }
    try {
      return options.schema.parse(JSON.parse(text));
    } catch (error) {
      const detail = `${path} answered something unexpected (${text.slice(0, 200)})`;
      throw new ModelCallError(protocolError(baseUrl, detail), { cause: error });
    }
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    controller.abort();
  }
}
