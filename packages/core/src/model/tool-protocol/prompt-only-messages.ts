import type { ModelMessage, ToolSpec } from '@outpost/protocol';
import { formatConstrainedAnswer, formatConstrainedCall } from './constrained-turn.js';
import { formatTextToolCall } from './text-tool-calls.js';
import { toolProtocolPrompt } from './tool-protocol.js';

/**
 * Rewrites a conversation for a model that has no tool calling of its own: the tool list and
 * protocol go at the end of the system prompt, earlier calls are written back in the format the
 * model was asked to use, and tool results become user turns. Consecutive user turns are joined,
 * since many chat templates require user and assistant turns to alternate. The rewrite depends
 * only on the messages and tools, so a session's prompt prefix stays byte-identical.
 */
export function toPromptOnlyMessages(
  messages: readonly ModelMessage[],
  protocol: 'constrained' | 'text',
  tools: readonly ToolSpec[],
): ModelMessage[] {
  const result: ModelMessage[] = [];
  const pushUser = (content: string) => {
    const last = result.at(-1);
    if (last?.role === 'user') last.content = `${last.content}\n\n${content}`;
    else result.push({ role: 'user', content });
  };
  const protocolPrompt = tools.length > 0 ? toolProtocolPrompt(protocol, tools) : undefined;
  let systemSeen = false;

  for (const message of messages) {
    switch (message.role) {
      case 'system':
        if (!systemSeen && protocolPrompt !== undefined) {
          result.push({ role: 'system', content: `${message.content}\n\n${protocolPrompt}` });
        } else {
          result.push({ role: 'system', content: message.content });
        }
        systemSeen = true;
        break;
      case 'user':
        pushUser(message.content);
        break;
      case 'assistant':
        result.push({
          role: 'assistant',
          content: assistantContent(message.content, message.toolCalls, protocol),
          toolCalls: [],
        });
        break;
      case 'tool':
        pushUser(`Result of ${message.toolName}:\n${message.content}`);
        break;
    }
  }
  if (!systemSeen && protocolPrompt !== undefined) {
    result.unshift({ role: 'system', content: protocolPrompt });
  }
  return result;
}

function assistantContent(
  content: string,
  toolCalls: readonly { name: string; arguments: string }[],
  protocol: 'constrained' | 'text',
): string {
  if (protocol === 'constrained') {
    if (toolCalls.length === 0) return formatConstrainedAnswer(content);
    return toolCalls.map((call) => formatConstrainedCall(call.name, call.arguments)).join('\n');
  }
  const blocks = toolCalls.map((call) => formatTextToolCall(call.name, call.arguments));
  return [content.trim(), ...blocks].filter((part) => part !== '').join('\n\n');
}
