import { readLenientJson } from './text-tool-call-json.js';
import {
  argumentsCall,
  isRecord,
  malformedCall,
  resolveName,
  type CallMode,
  type ParseContext,
  type ParsedTextToolCall,
} from './text-tool-call-shapes.js';

/**
 * Readers for tool calls written as markup rather than a JSON object: Python-style calls
 * (`read_file(path="a")`, Llama 3.2's `[f(x=1), g()]`), `<function=name>` tags with a JSON body
 * (Llama 3.1) or `<parameter=key>` children (Qwen3-Coder), and an element named after a tool
 * with one child per argument (`<read_file><path>a</path></read_file>`, Cline's format).
 */

/** Calls read from `start` and where the reading ended. */
export interface MarkupRead {
  calls: ParsedTextToolCall[];
  end: number;
}

const IDENTIFIER = /[A-Za-z_][\w.-]*/y;
const KEYWORD_ARGUMENT = /([A-Za-z_]\w*)\s*=(?!=)/y;
const FUNCTION_TAG = /<function=([^>\s]+)>/y;
const PARAMETER_TAG = /<parameter=([^>]+)>/y;
const ELEMENT_TAG = /<([A-Za-z_][\w.-]*)>/y;
const MAX_ELEMENT_DEPTH = 8;

/**
 * Reads `name(args)` or a bracketed list of them. In `candidate` mode the name must be a tool on
 * offer and anything unreadable is `undefined` (it may be prose); in `intent` mode it is
 * malformed.
 */
export function readPythonCalls(
  text: string,
  start: number,
  limit: number,
  context: ParseContext,
  mode: CallMode,
): MarkupRead | undefined {
  let index = skipSpace(text, start, limit);
  const bracketed = text[index] === '[';
  if (bracketed) index = skipSpaceLoose(text, index + 1, limit);
  const calls: ParsedTextToolCall[] = [];
  for (;;) {
    const call = readPythonCall(text, index, limit, context, mode);
    if (call === undefined) return calls.length === 0 ? undefined : { calls, end: index };
    calls.push(call.call);
    if ('malformed' in call.call) return { calls, end: lineEnd(text, call.end, limit) };
    if (!bracketed) return { calls, end: call.end };
    index = skipSpaceLoose(text, call.end, limit);
    if (text[index] === ',') index = skipSpaceLoose(text, index + 1, limit);
    else if (text[index] === ']') return { calls, end: index + 1 };
    else return mode === 'intent' ? { calls, end: index } : undefined;
  }
}

function readPythonCall(
  text: string,
  start: number,
  limit: number,
  context: ParseContext,
  mode: CallMode,
): { call: ParsedTextToolCall; end: number } | undefined {
  const identifier = match(IDENTIFIER, text, start);
  if (identifier === undefined) return undefined;
  const name = resolveName(identifier[0], context);
  let index = skipSpace(text, start + identifier[0].length, limit);
  if (text[index] !== '(') return undefined;
  if (mode === 'candidate' && !context.tools.has(name)) return undefined;
  const raw = (end: number) => text.slice(start, end);
  const keywords: [string, unknown][] = [];
  const positional: unknown[] = [];
  index = skipSpaceLoose(text, index + 1, limit);
  while (text[index] !== ')') {
    if (index >= limit) {
      return failure(`the call to ${name} ends before its ')'`, raw(limit), name, limit, mode);
    }
    const keyword = match(KEYWORD_ARGUMENT, text, index);
    const valueStart = keyword === undefined ? index : index + keyword[0].length;
    const value = readLenientJson(text, valueStart, limit);
    if (!value.ok) return failure(value.reason, raw(value.end), name, value.end, mode);
    if (keyword === undefined) positional.push(value.value);
    else keywords.push([keyword[1] ?? '', value.value]);
    index = skipSpaceLoose(text, value.end, limit);
    if (text[index] === ',') index = skipSpaceLoose(text, index + 1, limit);
    else if (text[index] !== ')') {
      return failure(`expected ',' or ')' in the call to ${name}`, raw(index), name, index, mode);
    }
  }
  const end = index + 1;
  if (positional.length === 0) {
    return { call: { name, arguments: JSON.stringify(Object.fromEntries(keywords)) }, end };
  }
  if (positional.length === 1 && keywords.length === 0 && isRecord(positional[0])) {
    return { call: argumentsCall(name, positional[0], raw(end)), end };
  }
  const reason = `${name}(...) has arguments without names; write them as JSON`;
  return failure(reason, raw(end), name, end, mode);
}

function failure(
  reason: string,
  raw: string,
  name: string,
  end: number,
  mode: CallMode,
): { call: ParsedTextToolCall; end: number } | undefined {
  return mode === 'intent' ? { call: malformedCall(reason, raw, name), end } : undefined;
}

/**
 * Reads `<function=name>` followed by a JSON object or by `<parameter=key>value</parameter>`
 * children, up to `</function>` (which may be missing at the end of the reply).
 */
export function readFunctionTag(text: string, start: number, limit: number): MarkupRead {
  const tag = match(FUNCTION_TAG, text, start);
  if (tag === undefined) {
    return {
      calls: [malformedCall('the <function=...> tag is not closed', text.slice(start, limit))],
      end: limit,
    };
  }
  const name = tag[1] ?? '';
  let index = skipSpaceLoose(text, start + tag[0].length, limit);
  if (text[index] === '{') return readFunctionBody(text, start, index, limit, name);
  const entries: [string, unknown][] = [];
  for (;;) {
    index = skipSpaceLoose(text, index, limit);
    if (index >= limit || text.startsWith('</tool_call>', index)) break;
    if (text.startsWith('</function>', index)) {
      index += '</function>'.length;
      break;
    }
    const parameter = match(PARAMETER_TAG, text, index);
    // Prose after the parameters: the model left out </function>.
    if (parameter === undefined && entries.length > 0) break;
    const valueStart = parameter === undefined ? -1 : index + parameter[0].length;
    const close = valueStart === -1 ? -1 : text.indexOf('</parameter>', valueStart);
    if (parameter === undefined || close === -1 || close > limit) {
      const reason =
        parameter === undefined
          ? `unexpected text inside <function=${name}>`
          : `the call to ${name} ends before </parameter>`;
      return { calls: [malformedCall(reason, text.slice(start, limit), name)], end: limit };
    }
    const value = text.slice(valueStart, close);
    if (value.includes('<parameter=')) {
      const reason = `a <parameter> of ${name} is not closed`;
      return { calls: [malformedCall(reason, text.slice(start, limit), name)], end: limit };
    }
    entries.push([(parameter[1] ?? '').trim(), coerceText(value)]);
    index = close + '</parameter>'.length;
  }
  return { calls: [{ name, arguments: JSON.stringify(Object.fromEntries(entries)) }], end: index };
}

function readFunctionBody(
  text: string,
  start: number,
  bodyStart: number,
  limit: number,
  name: string,
): MarkupRead {
  const closeTag = '</function>';
  let body = readLenientJson(text, bodyStart, limit);
  if (!body.ok) {
    // `<function=x>{"a": 1</function>`: the tag ends the object the model left open.
    const close = text.indexOf(closeTag, bodyStart);
    if (close !== -1 && close < limit) body = readLenientJson(text, bodyStart, close);
    if (!body.ok) {
      const end = close === -1 || close >= limit ? limit : close + closeTag.length;
      return { calls: [malformedCall(body.reason, text.slice(start, end), name)], end };
    }
  }
  const after = skipSpaceLoose(text, body.end, limit);
  const end = text.startsWith(closeTag, after) ? after + closeTag.length : body.end;
  return { calls: [argumentsCall(name, body.value, text.slice(start, end))], end };
}

/**
 * Reads `<tool><key>value</key>...</tool>` for a tool on offer. `undefined` when the element has
 * no child elements (then it is prose that happens to contain the tag).
 */
export function readToolElement(
  text: string,
  start: number,
  limit: number,
  name: string,
): MarkupRead | undefined {
  const open = `<${name}>`;
  const close = `</${name}>`;
  const children = readChildren(text, start + open.length, limit, close, 0);
  if (children === undefined) return undefined;
  const end = text.startsWith(close, children.end) ? children.end + close.length : children.end;
  const raw = text.slice(start, end);
  if ('reason' in children) return { calls: [malformedCall(children.reason, raw, name)], end };
  return { calls: [{ name, arguments: JSON.stringify(children.value) }], end };
}

type Children = { value: Record<string, unknown>; end: number } | { reason: string; end: number };

function readChildren(
  text: string,
  start: number,
  limit: number,
  close: string,
  depth: number,
): Children | undefined {
  const entries: [string, unknown][] = [];
  let index = start;
  for (;;) {
    index = skipSpaceLoose(text, index, limit);
    if (index >= limit || text.startsWith(close, index)) break;
    const tag = match(ELEMENT_TAG, text, index);
    if (tag === undefined) {
      if (entries.length === 0) return undefined;
      return { reason: `unexpected text inside ${close.replace('/', '')}`, end: limit };
    }
    const key = tag[1] ?? '';
    const valueStart = index + tag[0].length;
    const valueEnd = text.indexOf(`</${key}>`, valueStart);
    if (valueEnd === -1 || valueEnd > limit) {
      return { reason: `<${key}> is not closed`, end: limit };
    }
    const nested =
      depth < MAX_ELEMENT_DEPTH && /^\s*<[A-Za-z_]/.test(text.slice(valueStart, valueEnd))
        ? readChildren(text, valueStart, valueEnd, `</${key}>`, depth + 1)
        : undefined;
    if (nested !== undefined && 'reason' in nested) return nested;
    entries.push([key, nested?.value ?? coerceText(text.slice(valueStart, valueEnd))]);
    index = valueEnd + key.length + 3;
  }
  if (entries.length === 0) return undefined;
  return { value: Object.fromEntries(entries), end: index };
}

/**
 * A markup argument value as the model meant it: numbers, booleans, null, objects and arrays
 * written as JSON become those values; anything else is the text, without the one newline that
 * Qwen3-Coder puts after the opening tag and before the closing one.
 */
export function coerceText(value: string): unknown {
  const trimmed = value.trim();
  if (/^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?|true|false|null)$/.test(trimmed)) {
    return JSON.parse(trimmed) as unknown;
  }
  if (/^[[{]/.test(trimmed)) {
    const parsed = readLenientJson(trimmed, 0);
    if (parsed.ok && parsed.end === trimmed.length && typeof parsed.value === 'object') {
      return parsed.value;
    }
  }
  return value.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
}

function match(pattern: RegExp, text: string, at: number): RegExpExecArray | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text) ?? undefined;
}

/** Skips spaces and tabs only (a newline ends a bare Python call). */
function skipSpace(text: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && (text[index] === ' ' || text[index] === '\t')) index++;
  return index;
}

function skipSpaceLoose(text: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && /\s/.test(text.charAt(index))) index++;
  return index;
}

function lineEnd(text: string, from: number, limit: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 || newline > limit ? limit : newline;
}
