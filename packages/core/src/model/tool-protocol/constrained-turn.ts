import type { JsonSchema, ToolSpec } from '@outpost/protocol';

/**
 * The `constrained` protocol's reply format: every reply is one JSON object, either a tool call
 * `{"tool": NAME, "arguments": {...}}` or a final answer `{"answer": "..."}`. The runtime enforces
 * the schema while decoding, so even a tiny model cannot produce a call that does not parse.
 * With `toolChoice: 'required'` only the tool-call branches are offered.
 */
export function constrainedTurnSchema(
  tools: readonly ToolSpec[],
  toolChoice: 'auto' | 'required' = 'auto',
): JsonSchema {
  const calls = tools.map((tool) => ({
    type: 'object',
    properties: { tool: { const: tool.name }, arguments: tool.inputSchema },
    required: ['tool', 'arguments'],
    additionalProperties: false,
  }));
  const answer = {
    type: 'object',
    properties: { answer: { type: 'string' } },
    required: ['answer'],
    additionalProperties: false,
  };
  // `required`: the grammar offers no answer, so the reply is a tool call whatever the model prefers.
  return { oneOf: toolChoice === 'required' ? calls : [...calls, answer] };
}

export type ConstrainedTurn =
  | { kind: 'call'; name: string; arguments: string }
  | { kind: 'answer'; text: string }
  | { kind: 'malformed'; message: string };

const REPLY_SHAPE =
  'Reply with one JSON object: {"tool": "<name>", "arguments": {...}} or {"answer": "..."}.';

/**
 * Reads one constrained reply. A reply can still be unusable when generation stopped early (the
 * token limit) or the server ignored the schema; that becomes a short repair message, never an
 * exception. Optional arguments the model filled with `null` (grammars make every property
 * present) are dropped, so the tool sees them as absent.
 */
export function parseConstrainedTurn(text: string, tools: readonly ToolSpec[]): ConstrainedTurn {
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    const reason = trimmed === '' ? 'it was empty' : 'it is not one complete JSON object';
    return {
      kind: 'malformed',
      message: `Your reply could not be read: ${reason}. ${REPLY_SHAPE}`,
    };
  }
  if (!isRecord(value)) {
    return { kind: 'malformed', message: `Your reply is not a JSON object. ${REPLY_SHAPE}` };
  }
  if (typeof value.answer === 'string' && value.tool === undefined) {
    return { kind: 'answer', text: value.answer };
  }
  if (typeof value.tool !== 'string' || value.tool === '') {
    return { kind: 'malformed', message: `Your reply names no tool. ${REPLY_SHAPE}` };
  }
  const argumentsValue = value.arguments ?? {};
  if (!isRecord(argumentsValue)) {
    return {
      kind: 'malformed',
      message: `The arguments of ${value.tool} must be a JSON object. ${REPLY_SHAPE}`,
    };
  }
  const spec = tools.find((tool) => tool.name === value.tool);
  const cleaned = spec === undefined ? argumentsValue : dropNullOptionals(argumentsValue, spec);
  return { kind: 'call', name: value.tool, arguments: JSON.stringify(cleaned) };
}

/** How an earlier call is shown back to the model: the same JSON shape it was asked to write. */
export function formatConstrainedCall(name: string, argumentsText: string): string {
  let argumentsValue: unknown;
  try {
    argumentsValue = JSON.parse(argumentsText);
  } catch {
    argumentsValue = {};
  }
  return JSON.stringify({ tool: name, arguments: argumentsValue });
}

export function formatConstrainedAnswer(text: string): string {
  return JSON.stringify({ answer: text });
}

function dropNullOptionals(
  argumentsValue: Record<string, unknown>,
  spec: ToolSpec,
): Record<string, unknown> {
  const required = new Set(
    Array.isArray(spec.inputSchema.required) ? (spec.inputSchema.required as string[]) : [],
  );
  return Object.fromEntries(
    Object.entries(argumentsValue).filter(([key, item]) => item !== null || required.has(key)),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
