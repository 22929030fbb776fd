import { randomUUID } from 'node:crypto';
import type { LanguageModel, ModelRequest, StreamPart } from '@outpost/protocol';
import type { IdGenerator } from '../../ids/ids.js';
import { LONGEST_TIMER_MS } from '../attempt-watch.js';
import { cancelledError, protocolError } from '../model-server-errors.js';
import { type OllamaModelDescription, describeOllamaModel } from './ollama-models.js';
import { toOllamaChatBody } from './ollama-chat-request.js';
import { type OllamaStreamSettings, streamOllamaChat } from './ollama-chat-stream.js';
import { estimateOllamaPromptTokens, estimateOllamaTokens } from './ollama-prompt-size.js';
import { NumCtxPlanner } from './num-ctx-planner.js';

export interface OllamaModelOptions {
  /** Ollama's address, e.g. `http://127.0.0.1:11434` (the native API: no `/v1`). */
  baseUrl: string;
  /** The model name as `ollama list` shows it, e.g. `qwen2.5-coder:7b`. */
  model: string;
  /**
   * What `describeOllamaModel` found: capabilities and context length. Without it no capability
   * is assumed and the context length is asked of Ollama on first use.
   */
  description?: OllamaModelDescription;
  fetch?: typeof fetch;
  /** How long Ollama keeps the model loaded between calls; default `30m`. A number is seconds. */
  keepAlive?: string | number;
  /**
   * Gives up when Ollama sends nothing for this long once the answer started; default 10 minutes.
   * An idle timeout, reset by every byte: never a total limit.
   */
  idleTimeoutMs?: number;
  /**
   * The slowest prompt reading to wait for: before the first byte Ollama sends nothing while it
   * reads the prompt, so that wait is `idleTimeoutMs` plus the estimated prompt tokens at this
   * rate. Default 5 tokens per second, a small CPU reading a 7B model.
   */
  slowestPromptTokensPerSecond?: number;
  /** Retries of a failed call before any output (overload, dropped connection); default 2. */
  maxRetries?: number;
  /** Waits between retries; injected by tests. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Jitter for retry backoff, in [0, 1); default `Math.random`. */
  random?: () => number;
  /** Ids for tool calls (Ollama sends none); default `call_<uuid>`. */
  generateId?: IdGenerator;
  /**
   * The largest context to use, instead of the model's own: on a machine short of memory a model
   * trained for 128K tokens may need a smaller cap.
   */
  contextLength?: number;
  /** Sends this `num_ctx` on every request instead of sizing it to the prompt. */
  numCtx?: number;
}

/**
 * A `LanguageModel` over Ollama's native API (`/api/chat`, NDJSON). Unlike Ollama's `/v1`, it sets
 * `num_ctx` per request (see `NumCtxPlanner`), so a long conversation is never silently cut to
 * Ollama's small default context, and refuses (an error part of kind `context`) a prompt that
 * cannot fit the model at all. `countTokens` is an over-estimate, since Ollama cannot tokenize
 * for us and under-counting is what leads to truncation.
 */
export function createOllamaModel(options: OllamaModelOptions): LanguageModel {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const settings: OllamaStreamSettings = {
    baseUrl,
    model: options.model,
    fetch: fetchFunction,
    maxRetries: options.maxRetries ?? 2,
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    sleep:
      options.sleep ??
      ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))),
    random: options.random ?? Math.random,
    generateId: options.generateId ?? (() => `call_${randomUUID()}`),
  };
  const keepAlive = options.keepAlive ?? '30m';
  const millisecondsPerPromptToken = 1000 / (options.slowestPromptTokensPerSecond ?? 5);
  const planner = new NumCtxPlanner({
    model: options.model,
    ...(options.numCtx === undefined ? {} : { fixedNumCtx: options.numCtx }),
  });
  const capabilities = options.description?.capabilities ?? [];
  let modelContextLength: Promise<number | undefined> | undefined;

  /** The `contextLength` option, else the model's own context length, asked of Ollama once. */
  const contextLength = (): Promise<number | undefined> => {
    if (options.contextLength !== undefined) return Promise.resolve(options.contextLength);
    if (options.description !== undefined) {
      return Promise.resolve(options.description.contextLength);
    }
    modelContextLength ??= describeOllamaModel({
      baseUrl,
      model: options.model,
      fetch: fetchFunction,
    })
      .then((description) => description.contextLength)
      .catch(() => {
        // Unknown for now (Ollama down, model missing): the chat call reports that clearly, and
        // the next call asks again.
        modelContextLength = undefined;
        return undefined;
      });
    return modelContextLength;
  };

  async function* stream(request: ModelRequest): AsyncGenerator<StreamPart, void> {
    if (request.signal?.aborted) {
      yield { type: 'error', error: cancelledError() };
      return;
    }
    const promptTokens = estimateOllamaPromptTokens(request);
    const plan = planner.plan({
      promptTokens,
      maxOutputTokens: request.maxOutputTokens,
      contextLength: await contextLength(),
    });
    if (!plan.fits) {
      yield { type: 'error', error: plan.error };
      return;
    }
    let body: string;
    try {
      const { numCtx, numPredict } = plan;
      body = JSON.stringify(
        toOllamaChatBody({ model: options.model, numCtx, numPredict, keepAlive }, request),
      );
    } catch (error) {
      // A request that cannot be serialised (a schema with a cycle): reported as a part, as promised.
      const detail = error instanceof Error ? error.message : String(error);
      yield {
        type: 'error',
        error: protocolError(baseUrl, `the request cannot be sent: ${detail}`),
      };
      return;
    }
    yield* streamOllamaChat(settings, {
      body,
      firstByteTimeoutMs: Math.min(
        settings.idleTimeoutMs + Math.ceil(promptTokens * millisecondsPerPromptToken),
        LONGEST_TIMER_MS,
      ),
      signal: request.signal,
    });
  }

  return {
    provider: 'ollama',
    modelId: options.model,
    capabilities: {
      nativeTools: capabilities.includes('tools'),
      jsonSchema: true,
      grammar: false,
      embeddings: capabilities.includes('embedding'),
    },
    async contextWindow() {
      const length = await contextLength();
      return options.numCtx === undefined ? length : smaller(options.numCtx, length);
    },
    countTokens: (text) => Promise.resolve(estimateOllamaTokens(text)),
    stream,
  };
}

/** The smaller of two limits, either of which may be unknown. */
function smaller(first: number | undefined, second: number | undefined): number | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return Math.min(first, second);
}
