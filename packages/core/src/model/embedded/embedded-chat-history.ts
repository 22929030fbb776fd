import type { ModelMessage } from '@outpost/protocol';
import type { ChatHistoryItem } from 'node-llama-cpp';

/**
 * Maps Outpost messages to node-llama-cpp chat history: system → system, user → user,
 * assistant → model response text. The tool-protocol layer normally rewrites tool calls and
 * results into plain text before they reach the embedded model; should any arrive anyway, a
 * tool result becomes user text (`Result of <tool>:`) and an assistant's tool calls are appended
 * to its text as `{"tool": …, "arguments": …}` lines, so nothing is lost. Consecutive items of
 * the same kind are joined with a blank line, since chat templates expect turns to alternate.
 * The mapping depends only on the messages, so a conversation's prompt prefix stays identical
 * from turn to turn and its evaluated state can be reused.
 */
export function toChatHistory(messages: readonly ModelMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        appendText(history, 'system', message.content);
        break;
      case 'user':
        appendText(history, 'user', message.content);
        break;
      case 'assistant':
        appendText(history, 'model', assistantText(message.content, message.toolCalls));
        break;
      case 'tool':
        appendText(history, 'user', `Result of ${message.toolName}:\n${message.content}`);
        break;
    }
  }
  return history;
}

function assistantText(
  content: string,
  toolCalls: readonly { name: string; arguments: string }[],
): string {
  const calls = toolCalls.map(
    (call) =>
      `{"tool": ${JSON.stringify(call.name)}, "arguments": ${argumentsText(call.arguments)}}`,
  );
  return [content, ...calls].filter((part) => part !== '').join('\n');
}

/** The arguments as written when they are JSON, else as a JSON string so the line stays JSON. */
function argumentsText(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    // Unparseable arguments (a small model's slip) are quoted rather than dropped.
    return JSON.stringify(text);
  }
}

function appendText(history: ChatHistoryItem[], type: 'system' | 'user' | 'model', text: string) {
  const last = history.at(-1);
  if (type === 'model') {
    if (last?.type !== 'model') {
      history.push({ type: 'model', response: [text] });
      return;
    }
    const previous = last.response.filter((part): part is string => typeof part === 'string');
    last.response = [[...previous, text].join('\n\n')];
  } else if (last !== undefined && last.type !== 'model' && last.type === type) {
    // Only this module writes the history, and it writes plain strings.
    last.text = `${typeof last.text === 'string' ? last.text : ''}\n\n${text}`;
  } else {
    history.push({ type, text });
  }
}
