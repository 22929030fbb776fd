import type { ChunkReadResult } from '../attempt-watch.js';
import type { FinishReason, StreamPart, ToolCall, Usage } from '@outpost/protocol';
import { z } from 'zod';
import type { IdGenerator } from '../../ids/ids.js';

const ToolCallDelta = z.object({
  index: z.number().nullish(),
  id: z.string().nullish(),
  function: z
    .object({
      name: z.string().nullish(),
      // Some servers send the arguments as an object rather than JSON text.
      arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
    })
    .nullish(),
});

const Delta = z.object({
  content: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  tool_calls: z.array(ToolCallDelta).nullish(),
});

/**
 * A `chat.completion.chunk`, read tolerantly: every field may be missing or null, since local
 * servers differ. A whole non-streaming `chat.completion` fits too (`message` instead of `delta`).
 */
export const ChatCompletionChunk = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: Delta.nullish(),
        message: Delta.nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z
    .object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() })
    .nullish(),
  error: z.union([z.string(), z.object({ message: z.string().nullish() })]).nullish(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

export type { ChunkReadResult };

interface PendingToolCall {
  id: string | undefined;
  name: string;
  arguments: string;
}

/**
 * Reads the chunks of one response. Text and reasoning come back at once, as deltas to stream;
 * tool calls are gathered by `index` and come back whole from `complete()`, followed by usage and
 * finish. Copes with servers that send a call in one chunk, without `index` or `id`, or with
 * `finish_reason: 'stop'` after tool calls (older llama.cpp, LM Studio).
 */
export class ChatCompletionAccumulator {
  readonly #generateId: IdGenerator;
  readonly #toolCalls: PendingToolCall[] = [];
  /** Wire `index` → position in `#toolCalls`. */
  readonly #positions = new Map<number, number>();
  #usage: Usage | undefined;
  #finishReason: string | undefined;

  constructor(generateId: IdGenerator) {
    this.#generateId = generateId;
  }

  /** True once the server sent a finish reason: the content is complete. */
  get finished(): boolean {
    return this.#finishReason !== undefined;
  }

  /** Reads one chunk's JSON text (an SSE `data` field, or a whole non-streaming body). */
  read(data: string): ChunkReadResult {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return failure('client', `a chunk is not valid JSON: ${data.slice(0, 200)}`);
    }
    const parsed = ChatCompletionChunk.safeParse(json);
    if (!parsed.success) {
      return failure(
        'client',
        `a chunk has an unexpected shape (${z.prettifyError(parsed.error)})`,
      );
    }
    const chunk = parsed.data;
    if (chunk.error) {
      const detail = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
      return failure('server', detail ?? 'unknown error');
    }
    if (chunk.usage) {
      const inputTokens = chunk.usage.prompt_tokens ?? 0;
      this.#usage = { inputTokens, outputTokens: chunk.usage.completion_tokens ?? 0 };
    }
    const parts: StreamPart[] = [];
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? choice.message;
      const reasoning = delta?.reasoning_content ?? delta?.reasoning;
      if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
      if (delta?.content) parts.push({ type: 'text-delta', text: delta.content });
      for (const [position, call] of (delta?.tool_calls ?? []).entries()) {
        this.#addToolCallDelta(call, position);
      }
      if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    }
    return { success: true, parts };
  }

  /** The parts that end the response: whole tool calls, usage when sent, and finish. */
  complete(): StreamPart[] {
    const toolCalls: ToolCall[] = this.#toolCalls
      .filter((call) => call.name !== '' || call.arguments !== '')
      .map((call) => ({
        id: call.id ?? this.#generateId(),
        name: call.name,
        arguments: call.arguments,
      }));
    const parts: StreamPart[] = toolCalls.map((toolCall) => ({ type: 'tool-call', toolCall }));
    if (this.#usage) parts.push({ type: 'usage', usage: this.#usage });
    const reason = toFinishReason(this.#finishReason, toolCalls.length > 0);
    parts.push({ type: 'finish', reason });
    return parts;
  }

  #addToolCallDelta(delta: z.infer<typeof ToolCallDelta>, position: number): void {
    const index = delta.index ?? position;
    const known = this.#positions.get(index);
    let call = known === undefined ? undefined : this.#toolCalls[known];
    // A new id at a known index is a new call (some servers number every call 0).
    if (call === undefined || (delta.id && call.id && delta.id !== call.id)) {
      call = { id: undefined, name: '', arguments: '' };
      this.#positions.set(index, this.#toolCalls.push(call) - 1);
    }
    if (delta.id) call.id ??= delta.id;
    const name = delta.function?.name;
    if (name && call.name === '') call.name = name;
    const piece = delta.function?.arguments;
    if (typeof piece === 'string') call.arguments += piece;
    else if (piece && call.arguments === '') call.arguments = JSON.stringify(piece);
  }
}

/**
 * The wire finish reason in our terms. Tool calls decide over `stop` (LM Studio and older
 * llama.cpp send `stop` after tool calls), but not over `length`: a call cut off by the token
 * limit is likely incomplete, and the caller should know.
 */
export function toFinishReason(wire: string | undefined, hasToolCalls: boolean): FinishReason {
  if (wire === 'length') return 'length';
  if (wire === 'content_filter') return 'content-filter';
  if (hasToolCalls || wire === 'tool_calls' || wire === 'function_call') return 'tool-calls';
  if (wire === 'stop') return 'stop';
  return 'other';
}

function failure(source: 'server' | 'client', detail: string): ChunkReadResult {
  return { success: false, error: { source, detail } };
}
