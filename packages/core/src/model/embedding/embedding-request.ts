import { setTimeout as delay } from 'node:timers/promises';
import type { ModelErrorInfo } from '@outpost/protocol';
import type { z } from 'zod';
import { AgentError } from '../../errors/agent-error.js';
import { ModelCallError } from '../../errors/model-call-error.js';
import { IdleTimeout } from '../idle-timeout.js';
import {
  type ConnectionFailure,
  cancelledError,
  describeConnectionFailure,
  idleTimeoutError,
  protocolError,
} from '../model-server-errors.js';
import { retryableStatuses, retryDelayMs } from '../retry-policy.js';

/** An HTTP error answer, for the adapter to phrase in its server's terms. */
export interface EmbeddingHttpFailure {
  status: number;
  statusText: string;
  bodyText: string;
  retryable: boolean;
}

/** How an adapter talks to its server; see `postEmbeddingRequest`. */
export interface EmbeddingRequestSettings {
  /** The server's address as named in messages, without a trailing slash. */
  baseUrl: string;
  /** The embedding route, e.g. `/embeddings` (appended to `baseUrl`). */
  path: string;
  headers: Record<string, string>;
  /** The guarded `fetch` of the composition root, so `--offline` is honoured. */
  fetch: typeof fetch;
  /** Gives up when the server sends nothing for this long. */
  idleTimeoutMs: number;
  /** Retries of a retryable failure (connection refused or reset, 408/409/425/429/5xx). */
  maxRetries: number;
  /** Waits between retries; rejects when `signal` aborts. */
  sleep: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Jitter for the backoff, in [0, 1). */
  random: () => number;
  unreachable: (failure: ConnectionFailure) => ModelErrorInfo;
  httpError: (failure: EmbeddingHttpFailure) => ModelErrorInfo;
}

/** The default `sleep`: a timer that stops when `signal` aborts. */
export function abortableSleep(milliseconds: number, signal: AbortSignal | undefined) {
  return delay(milliseconds, undefined, signal === undefined ? {} : { signal });
}

/**
 * POSTs `body` as JSON and checks the answer against `schema`, retrying a retryable failure with
 * backoff. Throws `ModelCallError` naming the server when it is unreachable, silent for the idle
 * timeout, answers with an error, or answers something else; an Outpost error from `fetch` (the
 * offline guard's `OfflineError`) is thrown as it is.
 */
export async function postEmbeddingRequest<Schema extends z.ZodType>(
  settings: EmbeddingRequestSettings,
  body: object,
  schema: Schema,
  signal: AbortSignal | undefined,
): Promise<z.infer<Schema>> {
  const text = JSON.stringify(body);
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(settings, text, schema, signal);
    } catch (error) {
      if (!ModelCallError.isInstance(error) || !error.isRetryable || signal?.aborted === true) {
        throw error;
      }
      if (retry >= settings.maxRetries) {
        if (retry === 0) throw error;
        const info = error.toInfo();
        const message = `${info.message} Tried ${retry + 1} times.`;
        throw new ModelCallError({ ...info, message }, { cause: error.cause });
      }
      try {
        await settings.sleep(retryDelayMs(retry, settings.random), signal);
      } catch (sleepError) {
        throw new ModelCallError(cancelledError(), { cause: sleepError });
      }
    }
  }
}

async function attempt<Schema extends z.ZodType>(
  settings: EmbeddingRequestSettings,
  body: string,
  schema: Schema,
  signal: AbortSignal | undefined,
): Promise<z.infer<Schema>> {
  const { baseUrl, path, idleTimeoutMs } = settings;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted === true) forwardAbort();
  else signal?.addEventListener('abort', forwardAbort, { once: true });
  const idle = new IdleTimeout(idleTimeoutMs, controller);
  try {
    let response: Response;
    let text: string;
    try {
      const init = { method: 'POST', headers: settings.headers, body, signal: controller.signal };
      response = await idle.watch(settings.fetch(`${baseUrl}${path}`, init));
      text = await idle.watch(response.text());
    } catch (error) {
      const outpostError = agentErrorIn(error);
      if (outpostError !== undefined) throw outpostError;
      if (signal?.aborted === true) throw new ModelCallError(cancelledError(), { cause: error });
      if (idle.expired) {
        throw new ModelCallError(idleTimeoutError(baseUrl, idleTimeoutMs), { cause: error });
      }
      const info = settings.unreachable(describeConnectionFailure(error));
      throw new ModelCallError(info, { cause: error });
    }
    if (!response.ok) {
      const { status, statusText } = response;
      const retryable = retryableStatuses.has(status);
      throw new ModelCallError(
        settings.httpError({ status, statusText, bodyText: text, retryable }),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const detail = `POST ${path} did not answer JSON (${text.slice(0, 200)})`;
      throw new ModelCallError(protocolError(baseUrl, detail), { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const detail = `POST ${path} did not answer one embedding per text (${text.slice(0, 200)})`;
      throw new ModelCallError(protocolError(baseUrl, detail), { cause: parsed.error });
    }
    return parsed.data;
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    controller.abort();
  }
}

/** An Outpost error somewhere in a fetch failure's cause chain (e.g. refused while offline). */
function agentErrorIn(error: unknown): AgentError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    if (AgentError.isInstance(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
