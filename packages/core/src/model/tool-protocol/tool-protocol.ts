import type { ModelCapabilities, ToolSpec } from '@outpost/protocol';
import { readTextAsset } from '../../tool/text-asset.js';

/**
 * How tool calls travel between Outpost and a model (DESIGN §3.1):
 * - `native`: the server's own tool calling (OpenAI `tools`, Ollama `tools`);
 * - `constrained`: every reply must match one JSON schema built from the active tools, enforced
 *   by the runtime (a grammar, `format`, `response_format`);
 * - `text`: the model writes fenced tool blocks that Outpost parses tolerantly.
 */
export const TOOL_PROTOCOLS = ['native', 'constrained', 'text'] as const;
export type ToolProtocol = (typeof TOOL_PROTOCOLS)[number];

export function isToolProtocol(value: string): value is ToolProtocol {
  return (TOOL_PROTOCOLS as readonly string[]).includes(value);
}

/**
 * The best protocol a model supports: native tool calling where the runtime has it, else
 * constrained decoding (a malformed call is then impossible), else tolerant text parsing.
 */
export function chooseToolProtocol(capabilities: ModelCapabilities): ToolProtocol {
  if (capabilities.nativeTools) return 'native';
  if (capabilities.jsonSchema || capabilities.grammar) return 'constrained';
  return 'text';
}

/** Whether a model can carry `protocol` at all (`text` always works). */
export function supportsToolProtocol(
  capabilities: ModelCapabilities,
  protocol: ToolProtocol,
): boolean {
  if (protocol === 'native') return capabilities.nativeTools;
  if (protocol === 'constrained') return capabilities.jsonSchema || capabilities.grammar;
  return true;
}

const constrainedInstructions = readTextAsset(
  new URL('./constrained-protocol.md', import.meta.url),
);
const textInstructions = readTextAsset(new URL('./text-protocol.md', import.meta.url));

/**
 * The protocol's instructions and the tool list, appended to the system prompt. Built only from
 * the tool specs, so it is byte-identical for every request of a session (a stable prefix).
 */
export function toolProtocolPrompt(protocol: 'constrained' | 'text', tools: readonly ToolSpec[]) {
  const instructions = protocol === 'constrained' ? constrainedInstructions : textInstructions;
  const list = tools.map((tool) => `## ${tool.name}\n${tool.description}`).join('\n\n');
  return `${instructions}\n\n${list}`;
}
