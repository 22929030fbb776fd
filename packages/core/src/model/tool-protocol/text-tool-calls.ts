import { readCallBody, readHarmony, readWrapped, type BodyRead } from './text-tool-call-body.js';
import { readLenientJson } from './text-tool-call-json.js';
import { readToolElement } from './text-tool-call-markup.js';
import {
  isRecord,
  malformedCall,
  type CallMode,
  type ParseContext,
  type ParsedTextToolCall,
} from './text-tool-call-shapes.js';

export type { ParsedTextToolCall } from './text-tool-call-shapes.js';

/**
 * The `text` tool-call protocol: the model is asked to write each call as a fenced block,
 *
 * ```tool
 * {"name": "read_file", "arguments": {"path": "src/app.py"}}
 * ```
 *
 * and small local models get it wrong in many ways. The parser accepts any fence, a bare JSON
 * object, Hermes/Qwen `<tool_call>` tags, Llama's `<|python_tag|>` and `<function=name>`,
 * Qwen3-Coder's `<parameter=...>`, Python-style calls of known tools, arrays of calls, and
 * JSON with single quotes, Python literals and trailing commas. What it cannot read becomes a
 * malformed call carrying a short repair message; JSON that is not a call stays text.
 */

/** A reply split into its prose and its tool calls. */
export interface TextToolCallParse {
  /** The reply with tool blocks removed, trimmed. */
  text: string;
  calls: ParsedTextToolCall[];
}

const MARKER = new RegExp(
  [
    // Anywhere (first, so a line-start `[` does not take it): Mistral's marker.
    String.raw`\[TOOL_CALLS\]`,
    // At the start of a line: a fence, a JSON object or array, a tag, or `name(`, `name[ARGS]`.
    String.raw`^[ \t]*(?:\`{3,}|~{3,}|[[{]|<[A-Za-z_][\w.-]*>|[A-Za-z_][\w.-]*[ \t]*(?:\(|\[ARGS\]|\{))`,
    // Anywhere: wrapper tags, `<function=`, special tokens, Phi-4-mini, harmony.
    String.raw`<(?:tool_call|tool_calls|function_call|function_calls|tool_use)>`,
    '<function=',
    String.raw`<\|[\w/]+\|>`,
    String.raw`functools\[`,
    String.raw`to=functions\.`,
  ].join('|'),
  'gm',
);
const WRAPPER_TAGS = new Set([
  'tool_call',
  'tool_calls',
  'function_call',
  'function_calls',
  'tool_use',
]);
const SPECIAL_OPENERS = new Set([
  'python_tag',
  'python_start',
  'tool_call',
  'tool_calls',
  'tool_call_start',
  'tool_call_begin',
  'tool_calls_begin',
]);
const SPECIAL_CLOSERS = [
  '<|/tool_call|>',
  '<|/tool_calls|>',
  '<|tool_call_end|>',
  '<|tool_calls_end|>',
  '<|python_end|>',
  '<|eom_id|>',
  '<|eot_id|>',
  '<|im_end|>',
  '<|end|>',
  '<|call|>',
  '</s>',
];
/** Info strings of fences meant as tool blocks; other fences become calls only when they hold calls. */
const TOOL_FENCE =
  /^(?:tool|tools|tool_call|tool_calls|tool_code|tool_use|function|function_call|functions|call)$/i;
/** Closing tags and end-of-turn tokens left in the prose once the calls are taken out. */
const LEFTOVER_TOKENS =
  /<\/(?:tool_call|tool_calls|function_call|function_calls|tool_use|function)>|<\|(?:eot_id|eom_id|python_end|\/tool_call|\/tool_calls|tool_call_end|tool_calls_end|im_end|end|call)\|>/g;
const MAX_FENCE_DEPTH = 2;

/**
 * Finds the tool calls in a model's reply. `toolNames` are the tools on offer: loose text (a
 * bare JSON object, `read_file(path="a")`) counts as a call when it names one of them or has both
 * a name and arguments. An unknown name inside a tool block is still returned as a call; the
 * agent loop reports unknown tools.
 */
export function parseTextToolCalls(
  output: string,
  toolNames: readonly string[],
): TextToolCallParse {
  const context: ParseContext = { tools: new Set(toolNames) };
  const { text, calls } = scan(output, context, 'candidate', 0);
  return { text: text.replace(LEFTOVER_TOKENS, '').trim(), calls };
}

/**
 * How a past tool call is written back into the assistant message, so the model sees its own
 * format. Arguments that are not a JSON object (a malformed call's raw text) are written back as
 * the model wrote them, so the repair message that follows refers to what it sees.
 */
export function formatTextToolCall(name: string, argumentsJson: string): string {
  const parsed = readLenientJson(argumentsJson, 0);
  if (!parsed.ok || !isRecord(parsed.value) || argumentsJson.slice(parsed.end).trim() !== '') {
    return argumentsJson.trim() === '' ? block(name, {}) : argumentsJson.trim();
  }
  return block(name, parsed.value);
}

function block(name: string, args: Record<string, unknown>): string {
  return `\`\`\`tool\n{"name": ${JSON.stringify(name)}, "arguments": ${JSON.stringify(args)}}\n\`\`\``;
}

/** What was found at one marker: calls to take out of the prose, or text to keep and skip. */
interface Found extends BodyRead {
  /** Prose inside a tool block, kept in the reply's text. */
  prose?: string;
}

function scan(
  text: string,
  context: ParseContext,
  mode: CallMode,
  depth: number,
): TextToolCallParse {
  const pieces: string[] = [];
  const calls: ParsedTextToolCall[] = [];
  const marker = new RegExp(MARKER.source, MARKER.flags);
  let cursor = 0;
  for (let match = marker.exec(text); match !== null; match = marker.exec(text)) {
    const token = match[0].trimStart();
    const at = match.index + match[0].length - token.length;
    const found = at < cursor ? undefined : readAt(text, at, token, context, mode, depth);
    marker.lastIndex = Math.max(found?.end ?? 0, match.index + 1);
    if (found === undefined || found.calls.length === 0) continue;
    pieces.push(text.slice(cursor, at));
    if (found.prose !== undefined) pieces.push(found.prose);
    calls.push(...found.calls);
    cursor = found.end;
  }
  pieces.push(text.slice(cursor));
  return { text: joinPieces(pieces), calls };
}

/** Joins the prose around removed blocks with one blank line, keeping the first piece as is. */
function joinPieces(pieces: readonly string[]): string {
  let result = '';
  for (const piece of pieces) {
    if (piece.trim() === '') continue;
    result = result === '' ? piece : `${result.trimEnd()}\n\n${piece.trimStart()}`;
  }
  return result;
}

function readAt(
  text: string,
  at: number,
  token: string,
  context: ParseContext,
  mode: CallMode,
  depth: number,
): Found | undefined {
  if (token.startsWith('```') || token.startsWith('~~~')) {
    return depth < MAX_FENCE_DEPTH ? readFence(text, at, context, mode, depth) : undefined;
  }
  // A tag or token in backticks is prose about the format, not a call.
  if (/^(?:<|\[TOOL_CALLS\]|functools\[)/.test(token) && text[at - 1] === '`') return undefined;
  if (token.startsWith('<|')) return readSpecialToken(text, at, token, context);
  if (token.startsWith('<function=')) return readCallBody(text, at, text.length, context, 'intent');
  if (token.startsWith('<')) {
    const name = token.slice(1, -1);
    if (WRAPPER_TAGS.has(name))
      return readWrapped(text, at, at + token.length, [`</${name}>`], context);
    return context.tools.has(name) ? readToolElement(text, at, text.length, name) : undefined;
  }
  if (token === '[TOOL_CALLS]') {
    return readWrapped(text, at, at + token.length, SPECIAL_CLOSERS, context);
  }
  if (token === 'functools[') {
    return readWrapped(text, at, at + 'functools'.length, SPECIAL_CLOSERS, context);
  }
  if (token === 'to=functions.') return readHarmony(text, at, context);
  const body = readCallBody(text, at, text.length, context, mode);
  // Loose `read_file(path="a")` is a call only when nothing but the call is on its line.
  if (body?.markup === true && mode === 'candidate' && !restOfLineBlank(text, body.end)) {
    return undefined;
  }
  return body;
}

function readSpecialToken(
  text: string,
  at: number,
  token: string,
  context: ParseContext,
): Found | undefined {
  const name = token.slice(2, -2);
  if (SPECIAL_OPENERS.has(name)) {
    return readWrapped(text, at, at + token.length, SPECIAL_CLOSERS, context);
  }
  if (name === 'start' || name === 'channel') return readHarmony(text, at, context);
  return undefined;
}

/**
 * Reads a fenced block. The closing fence is looked for after the JSON inside it, so a fence
 * written inside a JSON string does not end the block; a missing closing fence ends it at the end
 * of the reply. A tool fence always means calls; any other fence becomes calls only when it holds
 * nothing else, and otherwise stays text.
 */
function readFence(
  text: string,
  at: number,
  context: ParseContext,
  mode: CallMode,
  depth: number,
): Found {
  const opener = /(`{3,}|~{3,})([^\n]*)/y;
  opener.lastIndex = at;
  const match = opener.exec(text);
  const fence = match?.[1] ?? '```';
  const info = match?.[2] ?? '';
  const infoWord = /^\s*([^\s{[]*)/.exec(info)?.[1] ?? '';
  const lineEnd = at + (match?.[0].length ?? 3);
  const sameLine = info.slice(info.indexOf(infoWord) + infoWord.length).trimStart();
  const contentStart = /^[[{]/.test(sameLine)
    ? lineEnd - sameLine.length
    : Math.min(lineEnd + 1, text.length);
  const { contentEnd, end } = findFenceEnd(text, contentStart, fence);
  const content = text.slice(contentStart, contentEnd);
  const intent = TOOL_FENCE.test(infoWord) || (mode === 'intent' && infoWord === '');
  const inner = scan(content, context, intent ? 'intent' : 'candidate', depth + 1);
  if (!intent) {
    const onlyCalls = inner.calls.length > 0 && inner.text.trim() === '';
    return { calls: onlyCalls ? inner.calls : [], end };
  }
  if (inner.calls.length === 0) {
    const reason =
      content.trim() === '' ? 'the tool block is empty' : 'there is no JSON object in it';
    return { calls: [malformedCall(reason, text.slice(at, end))], end };
  }
  return { calls: inner.calls, end, ...(inner.text === '' ? {} : { prose: inner.text }) };
}

function findFenceEnd(
  text: string,
  contentStart: number,
  fence: string,
): { contentEnd: number; end: number } {
  let searchFrom = contentStart;
  const first = skipSpace(text, contentStart);
  if (text[first] === '{' || text[first] === '[') {
    let jsonEnd = first;
    for (let read = readLenientJson(text, first); read.ok; read = readLenientJson(text, jsonEnd)) {
      jsonEnd = skipSpace(text, read.end);
      if (text[jsonEnd] === ',') jsonEnd = skipSpace(text, jsonEnd + 1);
      if (text[jsonEnd] !== '{' && text[jsonEnd] !== '[') break;
    }
    const run = fenceRun(text, jsonEnd, fence[0] ?? '`');
    // The closing fence right after the JSON, even on the same line.
    if (run >= fence.length) return { contentEnd: jsonEnd, end: jsonEnd + run };
    searchFrom = jsonEnd;
  }
  const closing = /^[ \t]*(`{3,}|~{3,})[ \t]*$/gm;
  closing.lastIndex = searchFrom;
  for (let match = closing.exec(text); match !== null; match = closing.exec(text)) {
    const run = match[1] ?? '';
    if (run[0] === fence[0] && run.length >= fence.length) {
      return { contentEnd: match.index, end: match.index + match[0].length };
    }
  }
  return { contentEnd: text.length, end: text.length };
}

function fenceRun(text: string, at: number, char: string): number {
  let index = at;
  while (text[index] === char) index++;
  return index - at;
}

function skipSpace(text: string, from: number): number {
  let index = from;
  while (index < text.length && /\s/.test(text.charAt(index))) index++;
  return index;
}

function restOfLineBlank(text: string, from: number): boolean {
  const newline = text.indexOf('\n', from);
  const rest = text.slice(from, newline === -1 ? text.length : newline);
  return /^[\s\]]*$/.test(rest) || /^\s*<\|/.test(rest);
}
