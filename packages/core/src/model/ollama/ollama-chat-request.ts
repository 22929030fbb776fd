import type { ModelMessage, ModelRequest, ToolSpec } from '@outpost/protocol';

/** A message in Ollama's native `/api/chat` format. */
export type OllamaWireMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      tool_calls?: { function: { name: string; arguments: Record<string, unknown> } }[];
    }
  | { role: 'tool'; content: string; tool_name: string };

/** What each request sets besides the conversation. */
export interface OllamaChatSettings {
  model: string;
  numCtx: number;
  /** `num_predict`: the most tokens to generate. */
  numPredict: number;
  /** How long Ollama keeps the model loaded after the call, e.g. `30m`; a number is seconds. */
  keepAlive: string | number;
}

/**
 * Tool calls go back with their arguments as an object, as Ollama's templates expect. Arguments
 * that are not a JSON object are sent as `{}`: the tool result that follows already told the
 * model what was wrong with the call. Ollama has no tool call ids; `tool_name` links a result.
 */
export function toOllamaMessage(message: ModelMessage): OllamaWireMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: message.toolCalls.map((call) => ({
          function: { name: call.name, arguments: argumentsObject(call.arguments) },
        })),
      };
    case 'tool':
      return { role: 'tool', content: message.content, tool_name: message.toolName };
  }
}

function argumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Not JSON: replaced below.
  }
  return {};
}

function toOllamaTool(tool: ToolSpec) {
  return {
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

/**
 * The body of a streaming `POST /api/chat`. `tools` only when there are some; `format` is the
 * response schema; `num_ctx` always (see `NumCtxPlanner`). `toolChoice` has no Ollama equivalent
 * and is left out.
 */
export function toOllamaChatBody(settings: OllamaChatSettings, request: ModelRequest): object {
  return {
    model: settings.model,
    messages: request.messages.map(toOllamaMessage),
    ...(request.tools.length > 0 ? { tools: request.tools.map(toOllamaTool) } : {}),
    ...(request.responseFormat === undefined ? {} : { format: request.responseFormat.schema }),
    stream: true,
    keep_alive: settings.keepAlive,
    options: {
      num_ctx: settings.numCtx,
      num_predict: settings.numPredict,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    },
  };
}
