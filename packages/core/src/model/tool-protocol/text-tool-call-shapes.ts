import { readLenientJson } from './text-tool-call-json.js';

/**
 * One tool call read from a reply: a call with its arguments as normalised JSON object text, or
 * a block that was meant as a call but could not be read, with the repair message for the model.
 */
export type ParsedTextToolCall =
  { name: string; arguments: string } | { name?: string; malformed: string; raw: string };

/** What the readers know while parsing one reply. */
export interface ParseContext {
  /** The tools offered to the model. */
  readonly tools: ReadonlySet<string>;
}

/**
 * How sure a reader is that the text is meant as a call. `intent`: it sits in a tool block or tag,
 * so anything unreadable is malformed. `candidate`: it is loose text, so it becomes a call only
 * when it names a known tool or has both a name and arguments, and otherwise stays prose.
 */
export type CallMode = 'intent' | 'candidate';

const NAME_KEYS = ['name', 'tool_name', 'tool', 'function', 'function_name', 'toolName'];
/** Keys that name the tool only when their value is a tool on offer (JSON-RPC, ReAct). */
const KNOWN_NAME_KEYS = ['method', 'action'];
const ARGUMENT_KEYS = [
  'arguments',
  'parameters',
  'args',
  'input',
  'params',
  'tool_input',
  'action_input',
];
/** Keys that wrap the call one level down (OpenAI's `{"type": "function", "function": {...}}`). */
const WRAPPER_KEYS = ['function', 'function_call', 'tool_call', 'tool'];
/** Keys that never become arguments when the arguments are written beside the name. */
const ENVELOPE_KEYS = new Set(['type', 'id', 'call_id', 'tool_call_id', 'index']);

/** The short message the agent returns to the model for a tool block it could not read. */
export function repairMessage(reason: string, name?: string): string {
  const tool = name === undefined || name === '' ? '<tool>' : name;
  return (
    `Your tool block could not be read: ${reason}. Write exactly one JSON object: ` +
    `{"name": "${tool}", "arguments": {...}} inside a fenced tool block.`
  );
}

/** A call that was meant but could not be read. */
export function malformedCall(reason: string, raw: string, name?: string): ParsedTextToolCall {
  return {
    ...(name === undefined || name === '' ? {} : { name }),
    malformed: repairMessage(reason, name),
    raw,
  };
}

/** A call whose name and arguments value are already separated (`<function=x>{...}`). */
export function argumentsCall(name: string, value: unknown, raw: string): ParsedTextToolCall {
  const args = toArguments(value);
  if (args === undefined) {
    return malformedCall(`the arguments of ${name} are not a JSON object`, raw, name);
  }
  return { name, arguments: JSON.stringify(args) };
}

/** `functions.read_file` and `default_api.read_file` name `read_file` when that is on offer. */
export function resolveName(name: string, context: ParseContext): string {
  if (context.tools.has(name)) return name;
  const bare = name.replace(/^(?:functions|default_api|tools)\./, '');
  return context.tools.has(bare) ? bare : name;
}

/**
 * Reads calls out of a parsed JSON value: one call object, an array of them, or an OpenAI-style
 * `tool_calls` list. `undefined` means the value is not a call at all (in `candidate` mode).
 */
export function callsFromValue(
  value: unknown,
  raw: string,
  context: ParseContext,
  mode: CallMode,
): ParsedTextToolCall[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return mode === 'intent' ? [malformedCall('the list of calls is empty', raw)] : undefined;
    }
    const calls: ParsedTextToolCall[] = [];
    for (const item of value) {
      const found = callsFromValue(item, raw, context, mode);
      if (found === undefined) return undefined;
      calls.push(...found);
    }
    return calls;
  }
  if (!isRecord(value)) {
    return mode === 'intent' ? [malformedCall('it is not a JSON object', raw)] : undefined;
  }
  const list = value['tool_calls'];
  if (Array.isArray(list)) return callsFromValue(list, raw, context, mode);
  const call = callFromObject(value, raw, context, mode);
  return call === undefined ? undefined : [call];
}

function callFromObject(
  object: Record<string, unknown>,
  raw: string,
  context: ParseContext,
  mode: CallMode,
): ParsedTextToolCall | undefined {
  const inner = unwrap(object);
  const nameKey = findNameKey(inner, context);
  const argumentsKey = ARGUMENT_KEYS.find((key) => inner[key] !== undefined);
  if (nameKey === undefined) {
    return mode === 'intent' ? malformedCall('it has no "name"', raw) : undefined;
  }
  const name = resolveName(String(inner[nameKey]), context);
  if (looksLikeToolDefinition(inner, argumentsKey)) {
    return mode === 'intent'
      ? malformedCall('it describes a tool instead of calling it', raw, name)
      : undefined;
  }
  if (mode === 'candidate' && argumentsKey === undefined && !context.tools.has(name)) {
    return undefined;
  }
  if (argumentsKey === undefined) {
    // Arguments written beside the name: {"name": "read_file", "path": "a.py"}.
    const rest = Object.entries(inner).filter(
      ([key]) => key !== nameKey && !ENVELOPE_KEYS.has(key),
    );
    return { name, arguments: JSON.stringify(Object.fromEntries(rest)) };
  }
  return argumentsCall(name, inner[argumentsKey], raw);
}

function unwrap(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of WRAPPER_KEYS) {
    const inner = object[key];
    if (isRecord(inner) && NAME_KEYS.some((nameKey) => typeof inner[nameKey] === 'string')) {
      return inner;
    }
  }
  return object;
}

function findNameKey(object: Record<string, unknown>, context: ParseContext): string | undefined {
  const named = NAME_KEYS.find((key) => {
    const value = object[key];
    return typeof value === 'string' && value.trim() !== '';
  });
  if (named !== undefined) return named;
  return KNOWN_NAME_KEYS.find((key) => {
    const value = object[key];
    return typeof value === 'string' && context.tools.has(value);
  });
}

/** An echoed tool definition: a description and a JSON schema instead of argument values. */
function looksLikeToolDefinition(
  object: Record<string, unknown>,
  argumentsKey: string | undefined,
): boolean {
  if (typeof object['description'] !== 'string' || argumentsKey === undefined) return false;
  const schema = object[argumentsKey];
  return isRecord(schema) && (isRecord(schema['properties']) || schema['type'] === 'object');
}

/** Arguments as an object: given as one, as JSON text of one, or absent. */
function toArguments(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return {};
  if (isRecord(value)) return value;
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') return {};
  const parsed = readLenientJson(value, 0);
  if (!parsed.ok || !isRecord(parsed.value) || value.slice(parsed.end).trim() !== '') {
    return undefined;
  }
  return parsed.value;
}

/**
 * Whether unreadable loose text was still meant as a call: it names a tool on offer in quotes, or
 * has both a name key and an arguments key. Looks only at the first few hundred characters.
 */
export function looksLikeCall(text: string, context: ParseContext): boolean {
  const head = text.slice(0, 400);
  for (const tool of context.tools) {
    if (head.includes(`"${tool}"`) || head.includes(`'${tool}'`)) return true;
  }
  return (
    /["']?(?:name|tool_name|tool|function)["']?\s*:\s*["']/.test(head) &&
    /["']?(?:arguments|parameters|args|input)["']?\s*:/.test(head)
  );
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
