import type { FinishReason, Usage } from '@outpost/protocol';
import type { ReplyScript } from './reply.js';

/**
 * One chunk of a streamed reply, independent of wire format. `dieAfter(n)` counts these: the fake
 * server sends each as one SSE event, `FakeLanguageModel` reads them the way an adapter would.
 */
export type ReplyChunk =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'tool-call-start';
      index: number;
      id: string | undefined;
      name: string;
      arguments: string;
    }
  | { type: 'tool-call-arguments'; index: number; arguments: string }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'usage'; usage: Usage };

export interface ResolvedToolCall {
  id: string | undefined;
  name: string;
  arguments: string;
}

const defaultInputTokens = 100;

/** The reply's tool calls with ids filled in (`${idPrefix}_${index}`) unless ids are withheld. */
export function replyToolCalls(script: ReplyScript, idPrefix: string): ResolvedToolCall[] {
  const calls: ResolvedToolCall[] = [];
  for (const content of script.content) {
    if (content.type !== 'tool-call') continue;
    const id = script.toolCallIds ? (content.id ?? `${idPrefix}_${calls.length}`) : undefined;
    calls.push({ id, name: content.name, arguments: content.arguments });
  }
  return calls;
}

export function replyFinishReason(script: ReplyScript): FinishReason {
  if (script.finishReason !== undefined) return script.finishReason;
  return script.content.some((content) => content.type === 'tool-call') ? 'tool-calls' : 'stop';
}

/** The scripted usage, or 100 input tokens and about one output token per 4 output characters. */
export function replyUsage(script: ReplyScript): Usage {
  if (script.usage !== undefined) return script.usage;
  let characters = 0;
  for (const content of script.content) {
    characters += content.type === 'tool-call' ? content.arguments.length : content.text.length;
  }
  return { inputTokens: defaultInputTokens, outputTokens: Math.max(1, Math.ceil(characters / 4)) };
}

/** Text and reasoning from the reply, joined, as a non-streaming answer carries them. */
export function replyText(script: ReplyScript, type: 'text' | 'reasoning'): string {
  return script.content.map((content) => (content.type === type ? content.text : '')).join('');
}

/** Cuts `text` into pieces of `size` characters; an empty text gives no pieces. */
export function splitIntoChunks(text: string, size: number): string[] {
  if (!Number.isFinite(size)) return text === '' ? [] : [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) {
    pieces.push(text.slice(start, start + size));
  }
  return pieces;
}

/**
 * The chunks a stream of this reply consists of: content in script order (a tool call as a start
 * chunk then argument chunks, or one chunk when its arguments fit), the finish chunk, and the
 * usage chunk when `includeUsage`.
 */
export function replyChunks(
  script: ReplyScript,
  options: { idPrefix: string; includeUsage: boolean },
): ReplyChunk[] {
  const chunks: ReplyChunk[] = [];
  const toolCalls = replyToolCalls(script, options.idPrefix);
  let toolIndex = 0;
  for (const content of script.content) {
    if (content.type !== 'tool-call') {
      for (const text of splitIntoChunks(content.text, script.chunkSize)) {
        chunks.push({ type: content.type, text });
      }
      continue;
    }
    const index = toolIndex++;
    const id = toolCalls[index]?.id;
    const pieces = splitIntoChunks(content.arguments, script.chunkSize);
    if (pieces.length <= 1) {
      const call = { index, id, name: content.name, arguments: content.arguments };
      chunks.push({ type: 'tool-call-start', ...call });
      continue;
    }
    chunks.push({ type: 'tool-call-start', index, id, name: content.name, arguments: '' });
    for (const piece of pieces)
      chunks.push({ type: 'tool-call-arguments', index, arguments: piece });
  }
  chunks.push({ type: 'finish', reason: replyFinishReason(script) });
  if (options.includeUsage) chunks.push({ type: 'usage', usage: replyUsage(script) });
  return chunks;
}
