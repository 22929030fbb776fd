import type { FinishReason, ModelErrorInfo, StreamPart, ToolCall, Usage } from '@outpost/protocol';

/** Everything one model response streamed, gathered. */
export interface StreamResult {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage: Usage | undefined;
  /** Undefined when the stream ended without a `finish` part (it failed or was cancelled). */
  finishReason: FinishReason | undefined;
  /** The first `error` part, if any. */
  error: ModelErrorInfo | undefined;
}

/**
 * Consumes a stream of parts into one `StreamResult`; `onPart` sees each part as it arrives (to
 * render text while it streams). Since adapters report failures as parts, this does not throw
 * for a failed call; it rethrows only what the iteration itself throws.
 */
export async function collectStream(
  parts: AsyncIterable<StreamPart>,
  onPart?: (part: StreamPart) => void,
): Promise<StreamResult> {
  const result: StreamResult = {
    text: '',
    reasoning: '',
    toolCalls: [],
    usage: undefined,
    finishReason: undefined,
    error: undefined,
  };
  for await (const part of parts) {
    onPart?.(part);
    switch (part.type) {
      case 'text-delta':
        result.text += part.text;
        break;
      case 'reasoning-delta':
        result.reasoning += part.text;
        break;
      case 'tool-call':
        result.toolCalls.push(part.toolCall);
        break;
      case 'usage':
        result.usage = part.usage;
        break;
      case 'finish':
        result.finishReason = part.reason;
        break;
      case 'error':
        result.error ??= part.error;
    }
  }
  return result;
}
