import { z } from 'zod';
import { ModelCallError } from '../../errors/model-call-error.js';
import { IdleTimeout } from '../idle-timeout.js';
import {
  cancelledError,
  describeConnectionFailure,
  httpStatusError,
  idleTimeoutError,
  protocolError,
  unreachableError,
} from '../model-server-errors.js';
import { retryableStatuses } from '../retry-policy.js';

export interface ListModelsOptions {
  /** The server's OpenAI-compatible base, e.g. `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Gives up when the server sends nothing for this long; default 10 s. */
  timeoutMs?: number;
}

const ModelList = z.object({ data: z.array(z.object({ id: z.string() })) });
type ModelList = z.infer<typeof ModelList>;

/**
 * The model ids a server offers (`GET {baseUrl}/models`). Throws `ModelCallError` with a message
 * naming the server when it is unreachable, answers with an error, or answers something else.
 */
export async function listModels(options: ListModelsOptions): Promise<string[]> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchModels = options.fetch ?? ((input, init) => fetch(input, init));
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forwardAbort();
  else options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const idle = new IdleTimeout(timeoutMs, controller);
  const fail = (error: unknown): ModelCallError => {
    if (options.signal?.aborted) return new ModelCallError(cancelledError(), { cause: error });
    if (idle.expired)
      return new ModelCallError(idleTimeoutError(baseUrl, timeoutMs), { cause: error });
    const info = unreachableError(baseUrl, describeConnectionFailure(error));
    return new ModelCallError(info, { cause: error });
  };
  try {
    let response: Response;
    let text: string;
    try {
      const headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : undefined;
      response = await idle.watch(
        fetchModels(`${baseUrl}/models`, { headers, signal: controller.signal }),
      );
      text = await idle.watch(response.text());
    } catch (error) {
      throw fail(error);
    }
    if (!response.ok) {
      const retryable = retryableStatuses.has(response.status);
      const info = httpStatusError(baseUrl, response.status, response.statusText, text, retryable);
      throw new ModelCallError(info);
    }
    let list: ModelList;
    try {
      list = ModelList.parse(JSON.parse(text));
    } catch (error) {
      const detail = `GET /models did not return a list of models (${text.slice(0, 200)})`;
      throw new ModelCallError(protocolError(baseUrl, detail), { cause: error });
    }
    return list.data.map((model) => model.id);
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}
