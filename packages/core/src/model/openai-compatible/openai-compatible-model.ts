import { randomUUID } from 'node:crypto';
import type { LanguageModel } from '@outpost/protocol';
import type { IdGenerator } from '../../ids/ids.js';
import { estimateTokens } from '../token-estimate.js';
import { type ChatStreamSettings, streamChatCompletion } from './chat-completion-stream.js';
import { readLlamaCppContextWindow } from './llama-cpp-context-window.js';

export interface OpenAiCompatibleModelOptions {
  /** The server's OpenAI-compatible base, e.g. `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  /** The model name the server knows. */
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Retries of a failed call before any output (overload, dropped connection); default 2. */
  maxRetries?: number;
  /**
   * Gives up when the server sends nothing for this long; default 10 minutes, since CPU prefill of
   * a long prompt can take minutes. An idle timeout, reset by every byte: never a total limit.
   */
  idleTimeoutMs?: number;
  /**
   * The slowest prompt reading to wait for before the first byte (the server is silent while it
   * reads the prompt): the first wait is `idleTimeoutMs` plus the prompt's tokens at this rate.
   * Default 5 tokens per second, a small CPU reading a 7B model.
   */
  slowestPromptTokensPerSecond?: number;
  /** Waits between retries; injected by tests. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Jitter for retry backoff, in [0, 1); default `Math.random`. */
  random?: () => number;
  /** Ids for tool calls the server sent without one; default `call_<uuid>`. */
  generateId?: IdGenerator;
  /** The loaded context window, when known; else asked of a llama.cpp server. */
  contextWindow?: number;
}

/**
 * A `LanguageModel` for any server speaking OpenAI Chat Completions: llama.cpp server, LM Studio,
 * vLLM, Ollama's `/v1`, cloud APIs. `countTokens` is an estimate (about 4 characters per token),
 * since the server's tokenizer is out of reach.
 */
export function createOpenAiCompatibleModel(options: OpenAiCompatibleModelOptions): LanguageModel {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const authorization: Record<string, string> = options.apiKey
    ? { authorization: `Bearer ${options.apiKey}` }
    : {};
  const settings: ChatStreamSettings = {
    baseUrl,
    model: options.model,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
      ...authorization,
    },
    fetch: fetchFunction,
    maxRetries: options.maxRetries ?? 2,
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    millisecondsPerPromptToken: 1000 / (options.slowestPromptTokensPerSecond ?? 5),
    sleep:
      options.sleep ??
      ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))),
    random: options.random ?? Math.random,
    generateId: options.generateId ?? (() => `call_${randomUUID()}`),
  };
  let contextWindow: Promise<number | undefined> | undefined;

  return {
    provider: 'openai-compatible',
    modelId: options.model,
    capabilities: { nativeTools: true, jsonSchema: true, grammar: false, embeddings: false },
    contextWindow() {
      if (options.contextWindow !== undefined) return Promise.resolve(options.contextWindow);
      contextWindow ??= readLlamaCppContextWindow({
        baseUrl,
        headers: authorization,
        fetch: fetchFunction,
      }).then((size) => {
        // Ask again next time when the server did not tell (it may not have been up yet).
        if (size === undefined) contextWindow = undefined;
        return size;
      });
      return contextWindow;
    },
    countTokens: (text) => Promise.resolve(estimateTokens(text)),
    stream: (request) => streamChatCompletion(settings, request),
  };
}
