import { setTimeout as sleep } from 'node:timers/promises';
import type {
  LanguageModel,
  ModelCapabilities,
  ModelErrorInfo,
  ModelRequest,
  StreamPart,
  ToolCall,
  Usage,
} from '@outpost/protocol';
import { type ReplyInput, type ReplyScript, toReplyScript } from './reply.js';
import { type ReplyChunk, replyChunks } from './reply-chunks.js';

export interface FakeLanguageModelOptions {
  /** Default `fake-model`. */
  modelId?: string;
  /** What `contextWindow()` reports; default undefined (unknown). */
  contextWindow?: number;
  /** Overrides; default native tools only. */
  capabilities?: Partial<ModelCapabilities>;
  /** Replies queued from the start, as `push(...replies)`. */
  replies?: ReplyInput[];
}

export type FakeModelResponder = (request: ModelRequest) => ReplyInput;

const retryableStatuses = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/**
 * An in-process `LanguageModel` scripted with the same replies as the fake server. Each `stream`
 * call consumes the next queued reply (or asks the responder) and records the request in `calls`.
 * It behaves like an adapter that read those chunks from a server: deltas in script order, then
 * tool calls, usage and finish; `dieAfter` gives a `stream` error, `httpError` an `http` error,
 * and `hang` waits for `request.signal`. Unlike a real adapter it never retries.
 */
export class FakeLanguageModel implements LanguageModel {
  readonly provider = 'fake';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** Every request, in order. Messages and tools are copied, so later edits do not show here. */
  readonly calls: ModelRequest[] = [];
  readonly #contextWindow: number | undefined;
  readonly #queue: ReplyInput[] = [];
  #responder: FakeModelResponder | undefined;

  constructor(options: FakeLanguageModelOptions = {}) {
    this.modelId = options.modelId ?? 'fake-model';
    this.#contextWindow = options.contextWindow;
    this.capabilities = {
      nativeTools: true,
      jsonSchema: false,
      grammar: false,
      embeddings: false,
      ...options.capabilities,
    };
    this.#queue.push(...(options.replies ?? []));
  }

  /** Replies still queued. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues replies; each `stream` call consumes the next one. */
  push(...replies: ReplyInput[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Answers calls when the queue is empty; `undefined` removes the responder. */
  respond(responder: FakeModelResponder | undefined): this {
    this.#responder = responder;
    return this;
  }

  contextWindow(): Promise<number | undefined> {
    return Promise.resolve(this.#contextWindow);
  }

  /** About one token per 4 characters, like the adapters' estimate. */
  countTokens(text: string): Promise<number> {
    return Promise.resolve(Math.ceil(text.length / 4));
  }

  async *stream(request: ModelRequest): AsyncGenerator<StreamPart> {
    const number = this.calls.length + 1;
    this.calls.push({
      ...request,
      messages: structuredClone(request.messages),
      tools: structuredClone(request.tools),
    });
    const signal = request.signal;
    if (signal?.aborted) {
      yield cancelled();
      return;
    }
    const input = this.#queue.shift() ?? this.#responder?.(request);
    if (input === undefined) {
      const message =
        `FakeLanguageModel: the script is exhausted; call #${number} arrived with no reply ` +
        'queued. Queue one with model.push(...) or set model.respond(...).';
      yield { type: 'error', error: { kind: 'protocol', message, isRetryable: false } };
      return;
    }
    const script = toReplyScript(input);
    const failure = script.failure;
    if (failure?.type === 'hang') {
      await waitForAbort(signal);
      yield cancelled();
      return;
    }
    if (failure?.type === 'http-error') {
      yield { type: 'error', error: httpError(failure.status, failure.message) };
      return;
    }
    yield* this.#read(script, number, signal);
  }

  async *#read(
    script: ReplyScript,
    number: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<StreamPart> {
    const chunks = replyChunks(script, { idPrefix: `call_${number}`, includeUsage: true });
    const limit = script.failure?.type === 'die-after' ? script.failure.chunks : Infinity;
    const toolCalls: ToolCall[] = [];
    let usage: Usage | undefined;
    let finish: Extract<ReplyChunk, { type: 'finish' }> | undefined;
    for (const [index, chunk] of chunks.slice(0, limit).entries()) {
      const resumed = index === 0 || (await pause(script.delayMs, signal));
      if (!resumed || signal?.aborted) {
        yield cancelled();
        return;
      }
      switch (chunk.type) {
        case 'text':
          yield { type: 'text-delta', text: chunk.text };
          break;
        case 'reasoning':
          yield { type: 'reasoning-delta', text: chunk.text };
          break;
        case 'tool-call-start': {
          const id = chunk.id ?? `call_${number}_generated_${chunk.index}`;
          toolCalls[chunk.index] = { id, name: chunk.name, arguments: chunk.arguments };
          break;
        }
        case 'tool-call-arguments': {
          const call = toolCalls[chunk.index];
          if (call) call.arguments += chunk.arguments;
          break;
        }
        case 'usage':
          usage = chunk.usage;
          break;
        case 'finish':
          finish = chunk;
      }
    }
    if (signal?.aborted) {
      yield cancelled();
      return;
    }
    if (finish === undefined) {
      const message = `The fake model's stream broke after ${limit} chunks (scripted with dieAfter).`;
      yield { type: 'error', error: { kind: 'stream', message, isRetryable: true } };
      return;
    }
    for (const toolCall of toolCalls) yield { type: 'tool-call', toolCall };
    if (usage) yield { type: 'usage', usage };
    yield { type: 'finish', reason: finish.reason };
  }
}

function cancelled(): StreamPart {
  const error: ModelErrorInfo = {
    kind: 'cancelled',
    message: 'The model call was cancelled.',
    isRetryable: false,
  };
  return { type: 'error', error };
}

function httpError(status: number, message: string): ModelErrorInfo {
  return {
    kind: 'http',
    statusCode: status,
    message: `The fake model answered ${status}: ${message}`,
    isRetryable: retryableStatuses.has(status),
  };
}

/** Resolves when `signal` aborts; never, without a signal (as a hung server would). */
function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits `milliseconds`; false when `signal` aborted the wait. */
async function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (milliseconds <= 0) return true;
  try {
    await sleep(milliseconds, undefined, signal ? { signal } : {});
    return true;
  } catch {
    return false; // The only rejection of a timers/promises sleep is the abort itself.
  }
}
