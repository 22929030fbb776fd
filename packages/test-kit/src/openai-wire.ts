import type { FinishReason } from '@outpost/protocol';
import type { ReplyScript } from './reply.js';
import {
  type ReplyChunk,
  replyFinishReason,
  replyText,
  replyToolCalls,
  replyUsage,
} from './reply-chunks.js';

/** Identifies one completion in the OpenAI wire format. */
export interface CompletionMeta {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
}

const wireFinishReasons: Record<FinishReason, string> = {
  stop: 'stop',
  'tool-calls': 'tool_calls',
  length: 'length',
  'content-filter': 'content_filter',
  other: 'other',
};

/** One `chat.completion.chunk` object; `first` adds `role: 'assistant'` to the delta. */
export function toChunkObject(chunk: ReplyChunk, meta: CompletionMeta, first: boolean): object {
  const envelope = { id: meta.id, object: 'chat.completion.chunk', created: meta.created };
  const head = { ...envelope, model: meta.model };
  const role = first ? { role: 'assistant' } : {};
  const choice = (delta: object, finishReason: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta: { ...role, ...delta }, finish_reason: finishReason }],
  });
  switch (chunk.type) {
    case 'text':
      return choice({ content: chunk.text });
    case 'reasoning':
      return choice({ reasoning_content: chunk.text });
    case 'tool-call-start':
      return choice({
        tool_calls: [
          {
            index: chunk.index,
            ...(chunk.id === undefined ? {} : { id: chunk.id }),
            type: 'function',
            function: { name: chunk.name, arguments: chunk.arguments },
          },
        ],
      });
    case 'tool-call-arguments':
      return choice({
        tool_calls: [{ index: chunk.index, function: { arguments: chunk.arguments } }],
      });
    case 'finish':
      return choice({}, wireFinishReasons[chunk.reason]);
    case 'usage':
      return { ...head, choices: [], usage: toWireUsage(chunk.usage) };
  }
}

/** The whole reply as one non-streaming `chat.completion` object. */
export function toCompletionObject(
  script: ReplyScript,
  meta: CompletionMeta,
  idPrefix: string,
): object {
  const text = replyText(script, 'text');
  const reasoning = replyText(script, 'reasoning');
  const toolCalls = replyToolCalls(script, idPrefix).map((call) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const message = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
    ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
  };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: wireFinishReasons[replyFinishReason(script)] }],
    usage: toWireUsage(replyUsage(script)),
  };
}

/** An OpenAI-style error body: `{ error: { message, type, code } }`. */
export function toErrorObject(status: number, message: string): object {
  return { error: { message, type: errorType(status), param: null, code: status } };
}

function toWireUsage(usage: { inputTokens: number; outputTokens: number }): object {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function errorType(status: number): string {
  if (status === 401 || status === 403) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
