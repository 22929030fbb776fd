import type { ModelMessage, ModelRequest, ToolSpec } from '@outpost/protocol';

/** A message in the Chat Completions wire format. */
export type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      tool_calls?: {
        id: string;
        type: 'function';
        function: { name: string; arguments: string };
      }[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export function toWireMessage(message: ModelMessage): WireMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // An empty string, not null: some local chat templates print a null content as "None".
        content: message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: wireArguments(call.arguments) },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/**
 * Earlier tool calls are sent back as the model wrote them, except arguments that are not a JSON
 * object: llama.cpp's chat templates parse them and reject the whole request otherwise. The tool
 * result that follows already told the model what was wrong with the call.
 */
function wireArguments(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return text;
  } catch {
    // Not JSON: replaced below.
  }
  return '{}';
}

function toWireTool(tool: ToolSpec) {
  return {
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

/**
 * The body of a streaming `POST /chat/completions`. `tools` and `tool_choice` are left out when
 * there are no tools (OpenAI rejects `tool_choice` without tools); unset options are left out so
 * the server's own defaults apply.
 */
export function toChatCompletionBody(model: string, request: ModelRequest): object {
  const hasTools = request.tools.length > 0;
  return {
    model,
    messages: request.messages.map(toWireMessage),
    ...(hasTools ? { tools: request.tools.map(toWireTool) } : {}),
    ...(hasTools && request.toolChoice !== undefined ? { tool_choice: request.toolChoice } : {}),
    ...(request.maxOutputTokens === undefined ? {} : { max_tokens: request.maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    // llama.cpp server, LM Studio and vLLM turn this schema into a grammar for the whole reply.
    ...(request.responseFormat === undefined
      ? {}
      : {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: request.responseFormat.name,
              schema: request.responseFormat.schema,
              strict: true,
            },
          },
        }),
    stream: true,
    stream_options: { include_usage: true },
  };
}
