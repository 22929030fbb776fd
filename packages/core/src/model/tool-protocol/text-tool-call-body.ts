import { readLenientJson } from './text-tool-call-json.js';
import {
  readFunctionTag,
  readPythonCalls,
  readToolElement,
  type MarkupRead,
} from './text-tool-call-markup.js';
import {
  argumentsCall,
  callsFromValue,
  looksLikeCall,
  malformedCall,
  resolveName,
  type CallMode,
  type ParseContext,
  type ParsedTextToolCall,
} from './text-tool-call-shapes.js';

/**
 * Reads the calls that start at one place in a reply, whatever their syntax: JSON objects (one,
 * several in a row, or an array), Python-style calls, `<function=...>` tags, an element named
 * after a tool, or Mistral's `name[ARGS]{...}`. Also reads the wrappers small models put around
 * them: `<tool_call>` tags, special tokens (`<|python_tag|>`, `<|tool_call|>`, `[TOOL_CALLS]`,
 * `functools[`) and gpt-oss's harmony header.
 */

/**
 * Calls read from one place. No calls means the text there was recognised as something that is
 * not a call (a JSON object in prose) and should be kept as text up to `end`.
 */
export interface BodyRead {
  calls: ParsedTextToolCall[];
  end: number;
  /** Written as markup (`read_file(path="a")`), which is only a call when it ends the line. */
  markup?: boolean;
}

const IDENTIFIER = /([A-Za-z_][\w.-]*)[ \t]*/y;
const ELEMENT = /<([A-Za-z_][\w.-]*)>/y;
const NAME_KEY_VALUE = /["']?(?:name|tool_name|tool|function)["']?\s*:\s*["']([\w.-]+)["']/;

/** Reads the calls at `start` (after whitespace), or `undefined` when nothing there is a call. */
export function readCallBody(
  text: string,
  start: number,
  limit: number,
  context: ParseContext,
  mode: CallMode,
): BodyRead | undefined {
  const index = skipSpace(text, start, limit);
  const char = text[index];
  if (char === '[') {
    const python = readPythonCalls(text, index, limit, context, mode);
    if (python !== undefined) return { ...python, markup: true };
  }
  if (char === '{' || char === '[') return readJsonCalls(text, index, limit, context, mode);
  if (text.startsWith('<function=', index)) return readFunctionTags(text, index, limit);
  ELEMENT.lastIndex = index;
  const element = ELEMENT.exec(text);
  if (element !== null) {
    const name = element[1] ?? '';
    return context.tools.has(name) ? readToolElement(text, index, limit, name) : undefined;
  }
  IDENTIFIER.lastIndex = index;
  const identifier = IDENTIFIER.exec(text);
  if (identifier === null) return undefined;
  const after = index + identifier[0].length;
  if (text[after] === '(') {
    const python = readPythonCalls(text, index, limit, context, mode);
    return python === undefined ? undefined : { ...python, markup: true };
  }
  const name = resolveName(identifier[1] ?? '', context);
  if (text.startsWith('[ARGS]', after)) {
    return readNamedArguments(text, index, after + '[ARGS]'.length, limit, name);
  }
  if (mode === 'intent' && text[skipSpace(text, after, limit)] === '{') {
    return readNamedArguments(text, index, after, limit, name);
  }
  return undefined;
}

/** One JSON value after another (`{...} {...}`, `{...},\n{...}`), each read as call(s). */
function readJsonCalls(
  text: string,
  start: number,
  limit: number,
  context: ParseContext,
  mode: CallMode,
): BodyRead | undefined {
  const calls: ParsedTextToolCall[] = [];
  let index = start;
  let end = start;
  for (;;) {
    const read = readLenientJson(text, index, limit);
    if (!read.ok) {
      const head = text.slice(index, index + 400);
      if (mode === 'candidate' && !looksLikeCall(head, context)) {
        return calls.length === 0 ? undefined : { calls, end };
      }
      const stop = read.truncated ? limit : lineEnd(text, read.end, limit);
      const raw = text.slice(index, stop);
      calls.push(malformedCall(read.reason, raw, guessName(head, context)));
      return { calls, end: stop };
    }
    const found = callsFromValue(read.value, text.slice(index, read.end), context, mode);
    if (found === undefined) return calls.length === 0 ? { calls, end: read.end } : { calls, end };
    calls.push(...found);
    end = read.end;
    let next = skipSpace(text, read.end, limit);
    if (text[next] === ',') next = skipSpace(text, next + 1, limit);
    if (text[next] !== '{' && text[next] !== '[') return { calls, end };
    index = next;
  }
}

function readFunctionTags(text: string, start: number, limit: number): BodyRead {
  const calls: ParsedTextToolCall[] = [];
  let read: MarkupRead = readFunctionTag(text, start, limit);
  for (;;) {
    calls.push(...read.calls);
    const next = skipSpace(text, read.end, limit);
    if (!text.startsWith('<function=', next)) return { calls, end: read.end };
    read = readFunctionTag(text, next, limit);
  }
}

/** `name[ARGS]{...}` (Mistral) or, inside a tool block, `name {...}`. */
function readNamedArguments(
  text: string,
  start: number,
  bodyStart: number,
  limit: number,
  name: string,
): BodyRead {
  const read = readLenientJson(text, bodyStart, limit);
  if (!read.ok) {
    const stop = read.truncated ? limit : lineEnd(text, read.end, limit);
    return { calls: [malformedCall(read.reason, text.slice(start, stop), name)], end: stop };
  }
  return { calls: [argumentsCall(name, read.value, text.slice(start, read.end))], end: read.end };
}

/**
 * Reads the calls inside a wrapper whose body starts at `bodyStart`, and the closing tag or
 * token if it follows. A wrapper always means a call, so an unreadable body is malformed.
 */
export function readWrapped(
  text: string,
  start: number,
  bodyStart: number,
  closers: readonly string[],
  context: ParseContext,
): BodyRead {
  const body = readCallBody(text, bodyStart, text.length, context, 'intent');
  if (body !== undefined && readable(body)) {
    const after = skipSpace(text, body.end, text.length);
    const closer = closers.find((candidate) => text.startsWith(candidate, after));
    return { calls: body.calls, end: closer === undefined ? body.end : after + closer.length };
  }
  const close = findFirst(text, closers, bodyStart);
  if (close !== undefined) {
    // The closing tag may end an object the model left open: `<tool_call>{"a": 1</tool_call>`.
    const retry = readCallBody(text, bodyStart, close.index, context, 'intent');
    if (retry !== undefined && readable(retry)) {
      return { calls: retry.calls, end: close.index + close.closer.length };
    }
  }
  const closeEnd = close === undefined ? undefined : close.index + close.closer.length;
  if (body === undefined || body.calls.length === 0) {
    const end = closeEnd ?? text.length;
    const raw = text.slice(start, end);
    return {
      calls: [malformedCall('there is no tool call in it', raw, guessName(raw, context))],
      end,
    };
  }
  const end = closeEnd !== undefined && closeEnd > body.end ? closeEnd : body.end;
  return { calls: body.calls, end };
}

function readable(body: BodyRead): boolean {
  return body.calls.length > 0 && body.calls.every((call) => !('malformed' in call));
}

const HARMONY_HEADERS = [
  /(?:<\|start\|>assistant)?<\|channel\|>[a-z]+[ \t]+to=functions\.([\w.-]+)[ \t]*(?:<\|constrain\|>)?[a-z]*[ \t]*<\|message\|>/y,
  /<\|start\|>assistant[ \t]+to=functions\.([\w.-]+)[ \t]*<\|channel\|>[a-z]+[ \t]*(?:<\|constrain\|>)?[a-z]*[ \t]*<\|message\|>/y,
  /to=functions\.([\w.-]+)[ \t]*(?:<\|constrain\|>)?[a-z]*[ \t]*(?:<\|message\|>)?/y,
];

/**
 * Reads gpt-oss's harmony call, `<|channel|>commentary to=functions.name <|constrain|>json
 * <|message|>{...}<|call|>`, or what is left of it when a server strips the special tokens.
 */
export function readHarmony(
  text: string,
  start: number,
  context: ParseContext,
): BodyRead | undefined {
  for (const header of HARMONY_HEADERS) {
    header.lastIndex = start;
    const match = header.exec(text);
    if (match === null) continue;
    const bodyStart = skipSpace(text, start + match[0].length, text.length);
    if (text[bodyStart] !== '{') return undefined;
    const name = resolveName(match[1] ?? '', context);
    const read = readNamedArguments(text, start, bodyStart, text.length, name);
    const closer = skipSpace(text, read.end, text.length);
    return text.startsWith('<|call|>', closer)
      ? { ...read, end: closer + '<|call|>'.length }
      : read;
  }
  return undefined;
}

/** The tool a broken call was meant for, when its text says (for the repair message). */
function guessName(text: string, context: ParseContext): string | undefined {
  const named = NAME_KEY_VALUE.exec(text)?.[1];
  if (named !== undefined) return resolveName(named, context);
  for (const tool of context.tools) {
    if (text.includes(`"${tool}"`) || text.includes(`'${tool}'`)) return tool;
  }
  return undefined;
}

function findFirst(
  text: string,
  closers: readonly string[],
  from: number,
): { index: number; closer: string } | undefined {
  let first: { index: number; closer: string } | undefined;
  for (const closer of closers) {
    const index = text.indexOf(closer, from);
    if (index !== -1 && (first === undefined || index < first.index)) first = { index, closer };
  }
  return first;
}

function skipSpace(text: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && /\s/.test(text.charAt(index))) index++;
  return index;
}

function lineEnd(text: string, from: number, limit: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 || newline > limit ? limit : newline;
}
