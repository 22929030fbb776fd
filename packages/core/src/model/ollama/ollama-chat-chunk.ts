import type { ChunkReadResult } from '../attempt-watch.js';
import type { FinishReason, StreamPart, Usage } from '@outpost/protocol';
import { z } from 'zod';
import type { IdGenerator } from '../../ids/ids.js';
import { ThinkTagSplitter } from './think-tag-splitter.js';

const OllamaToolCall = z.object({
  id: z.string().nullish(),
  function: z.object({
    name: z.string(),
    // Ollama sends an object; a string is passed through as the model wrote it.
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
  }),
});

/** One line of Ollama's `/api/chat` NDJSON stream, read tolerantly (fields may be missing). */
export const OllamaChatChunk = z.object({
  message: z
    .object({
      content: z.string().nullish(),
      thinking: z.string().nullish(),
      tool_calls: z.array(OllamaToolCall).nullish(),
    })
    .nullish(),
  done: z.boolean().nullish(),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().nullish(),
  prompt_eval_cached_count: z.number().nullish(),
  eval_count: z.number().nullish(),
  error: z.string().nullish(),
});
export type OllamaChatChunk = z.infer<typeof OllamaChatChunk>;

export type OllamaChunkReadResult = ChunkReadResult;

/**
 * Reads the lines of one `/api/chat` stream. Text, thinking and tool calls come back at once
 * (Ollama sends each tool call whole); the final `done` line is kept, and `complete()` turns it
 * into usage and finish.
 *
 * Usage: `prompt_eval_count` is the prompt Ollama reports. Older Ollama versions count only the
 * tokens they evaluated, so after a cached prefix was reused it is smaller than the prompt (or
 * missing, read as 0); newer ones count the whole prompt and say how much came from the cache in
 * `prompt_eval_cached_count`, which is the only case `evaluatedInputTokens` is set.
 */
export class OllamaChatAccumulator {
  readonly #generateId: IdGenerator;
  readonly #thinkTags = new ThinkTagSplitter();
  #done: OllamaChatChunk | undefined;
  #toolCalls = 0;

  constructor(generateId: IdGenerator) {
    this.#generateId = generateId;
  }

  /** True once the `done` line arrived: the answer is complete. */
  get finished(): boolean {
    return this.#done !== undefined;
  }

  read(line: string): OllamaChunkReadResult {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return failure('client', `a line is not valid JSON: ${line.slice(0, 200)}`);
    }
    const parsed = OllamaChatChunk.safeParse(json);
    if (!parsed.success) {
      return failure('client', `a line has an unexpected shape (${z.prettifyError(parsed.error)})`);
    }
    const chunk = parsed.data;
    if (chunk.error) return failure('server', chunk.error);
    const parts: StreamPart[] = [];
    const message = chunk.message;
    if (message?.thinking) parts.push({ type: 'reasoning-delta', text: message.thinking });
    if (message?.content) parts.push(...this.#thinkTags.push(message.content));
    if (chunk.done) parts.push(...this.#thinkTags.flush());
    for (const call of message?.tool_calls ?? []) {
      this.#toolCalls++;
      const { name, arguments: wireArguments } = call.function;
      const text =
        typeof wireArguments === 'string' ? wireArguments : JSON.stringify(wireArguments ?? {});
      const id = call.id ? call.id : this.#generateId();
      parts.push({ type: 'tool-call', toolCall: { id, name, arguments: text } });
    }
    if (chunk.done) this.#done = chunk;
    return { success: true, parts };
  }

  /** The parts that end the answer: usage and finish. Call once `finished`. */
  complete(): StreamPart[] {
    const done = this.#done ?? {};
    const inputTokens = done.prompt_eval_count ?? 0;
    const cached = done.prompt_eval_cached_count;
    const usage: Usage = { inputTokens, outputTokens: done.eval_count ?? 0 };
    if (cached !== undefined && cached !== null) {
      usage.evaluatedInputTokens = Math.max(0, inputTokens - cached);
    }
    const reason = toFinishReason(done.done_reason ?? undefined, this.#toolCalls > 0);
    return [
      { type: 'usage', usage },
      { type: 'finish', reason },
    ];
  }
}

/**
 * Ollama's `done_reason` in our terms: it says `stop` after tool calls too, so calls decide over
 * `stop`, but not over `length` (a call cut off by the limit is likely incomplete). `load` and
 * `unload` (no answer was generated) are `other`.
 */
export function toFinishReason(wire: string | undefined, hasToolCalls: boolean): FinishReason {
  if (wire === 'length') return 'length';
  if (hasToolCalls) return 'tool-calls';
  if (wire === 'stop' || wire === undefined) return 'stop';
  return 'other';
}

function failure(source: 'server' | 'client', detail: string): OllamaChunkReadResult {
  return { success: false, error: { source, detail } };
}
