import { randomUUID } from 'node:crypto';
import type { LanguageModel, ModelRequest, StreamPart, ToolSpec } from '@outpost/protocol';
import type { IdGenerator } from '../../ids/ids.js';
import { constrainedTurnSchema, parseConstrainedTurn } from './constrained-turn.js';
import { toPromptOnlyMessages } from './prompt-only-messages.js';
import { parseTextToolCalls } from './text-tool-calls.js';
import type { ToolProtocol } from './tool-protocol.js';

/**
 * Puts a tool protocol between the agent loop and a model. The loop always sees native-style
 * `tool-call` parts; for `constrained` and `text` the wrapper teaches the model the format, sends
 * the request without native tools, and turns the reply back into tool calls. A call it cannot
 * read becomes a call marked `malformed`, which the loop answers with the repair message.
 */
export function withToolProtocol(
  model: LanguageModel,
  protocol: ToolProtocol,
  options: { generateId?: IdGenerator } = {},
): LanguageModel {
  if (protocol === 'native') return model;
  const generateId = options.generateId ?? (() => `call_${randomUUID()}`);
  const schemas = new Map<string, ReturnType<typeof constrainedTurnSchema>>();
  const schemaFor = (tools: readonly ToolSpec[], toolChoice: 'auto' | 'required') => {
    const key = `${toolChoice}\n${tools.map((tool) => tool.name).join('\n')}`;
    let schema = schemas.get(key);
    if (schema === undefined) {
      schema = constrainedTurnSchema(tools, toolChoice);
      schemas.set(key, schema);
    }
    return schema;
  };

  async function* stream(request: ModelRequest): AsyncGenerator<StreamPart, void> {
    const { tools } = request;
    const messages = toPromptOnlyMessages(
      request.messages,
      protocol as 'constrained' | 'text',
      tools,
    );
    const inner: ModelRequest = {
      ...request,
      messages,
      tools: [],
      ...(protocol === 'constrained' && tools.length > 0
        ? {
            responseFormat: {
              type: 'json-schema',
              name: 'outpost_turn',
              schema: schemaFor(tools, request.toolChoice === 'required' ? 'required' : 'auto'),
            },
          }
        : {}),
    };
    if (protocol === 'constrained' && tools.length > 0) {
      yield* constrainedReply(model.stream(inner), tools, generateId);
    } else if (tools.length > 0) {
      yield* textReply(model.stream(inner), tools, generateId);
    } else {
      yield* model.stream(inner);
    }
  }

  return {
    provider: model.provider,
    modelId: model.modelId,
    capabilities: model.capabilities,
    contextWindow: () => model.contextWindow(),
    countTokens: (text) => model.countTokens(text),
    stream,
    ...(model.dispose ? { dispose: () => model.dispose?.() ?? Promise.resolve() } : {}),
  };
}

/** Buffers the JSON reply, then yields it as an answer or one tool call. */
async function* constrainedReply(
  parts: AsyncIterable<StreamPart>,
  tools: readonly ToolSpec[],
  generateId: IdGenerator,
): AsyncGenerator<StreamPart, void> {
  let text = '';
  const trailing: StreamPart[] = [];
  for await (const part of parts) {
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'usage' || part.type === 'finish') trailing.push(part);
    else if (part.type === 'error') {
      yield part;
      return;
    } else yield part;
  }
  const turn = parseConstrainedTurn(text, tools);
  let calls = false;
  if (turn.kind === 'answer') {
    if (turn.text !== '') yield { type: 'text-delta', text: turn.text };
  } else if (turn.kind === 'call') {
    calls = true;
    yield {
      type: 'tool-call',
      toolCall: { id: generateId(), name: turn.name, arguments: turn.arguments },
    };
  } else {
    calls = true;
    yield {
      type: 'tool-call',
      toolCall: { id: generateId(), name: '', arguments: text, malformed: turn.message },
    };
  }
  yield* withFinish(trailing, calls);
}

/**
 * Streams prose as it arrives but holds back from anything that may open a tool block (a fence,
 * a tag, a JSON object at the start of a line), then parses the whole reply once it is complete.
 */
async function* textReply(
  parts: AsyncIterable<StreamPart>,
  tools: readonly ToolSpec[],
  generateId: IdGenerator,
): AsyncGenerator<StreamPart, void> {
  let text = '';
  let shown = 0;
  let holding = false;
  const trailing: StreamPart[] = [];
  for await (const part of parts) {
    if (part.type === 'text-delta') {
      text += part.text;
      if (holding) continue;
      const hold = holdPoint(text);
      if (hold !== undefined) holding = true;
      const end = hold ?? safeEnd(text);
      if (end > shown) {
        yield { type: 'text-delta', text: text.slice(shown, end) };
        shown = end;
      }
    } else if (part.type === 'usage' || part.type === 'finish') trailing.push(part);
    else if (part.type === 'error') {
      if (text.length > shown) yield { type: 'text-delta', text: text.slice(shown) };
      yield part;
      return;
    } else yield part;
  }
  const names = tools.map((tool) => tool.name);
  const parsed = parseTextToolCalls(text, names);
  if (parsed.calls.length === 0) {
    if (text.length > shown) yield { type: 'text-delta', text: text.slice(shown) };
  } else {
    const alreadyShown = text.slice(0, shown).trim();
    const prose = parsed.text.startsWith(alreadyShown)
      ? parsed.text.slice(alreadyShown.length)
      : '';
    if (prose.trim() !== '') yield { type: 'text-delta', text: prose };
    for (const call of parsed.calls) {
      const toolCall =
        'malformed' in call
          ? {
              id: generateId(),
              name: call.name ?? '',
              arguments: call.raw,
              malformed: call.malformed,
            }
          : { id: generateId(), name: call.name, arguments: call.arguments };
      yield { type: 'tool-call', toolCall };
    }
  }
  yield* withFinish(trailing, parsed.calls.length > 0);
}

const OPENERS = ['```', '<tool_call', '<function', '<|python_tag|>'];

/** Where a possible tool block starts, if anywhere. */
function holdPoint(text: string): number | undefined {
  let earliest: number | undefined;
  for (const opener of OPENERS) {
    const index = text.indexOf(opener);
    if (index >= 0 && (earliest === undefined || index < earliest)) earliest = index;
  }
  const jsonLine = /(^|\n)\s*\[?\{/.exec(text);
  if (jsonLine && (earliest === undefined || jsonLine.index < earliest)) earliest = jsonLine.index;
  return earliest;
}

/** Text up to here cannot be the start of an opener still being streamed. */
function safeEnd(text: string): number {
  const lastLine = text.lastIndexOf('\n');
  const tail = text.slice(lastLine + 1);
  // A line that is only whitespace, backticks or a `<` may still become an opener.
  if (/^\s*(`{1,2}|<[\w|]*|\[)?$/.test(tail)) return lastLine + 1;
  return text.length;
}

function* withFinish(trailing: StreamPart[], calls: boolean): Generator<StreamPart, void> {
  for (const part of trailing) {
    if (part.type === 'finish' && calls && part.reason === 'stop') {
      yield { type: 'finish', reason: 'tool-calls' };
    } else yield part;
  }
}
