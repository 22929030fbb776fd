import type { StreamPart } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { collectStream } from './stream-result.js';

async function* stream(...parts: StreamPart[]): AsyncGenerator<StreamPart> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

describe('collectStream', () => {
  it('gathers text, reasoning, tool calls, usage and finish, showing each part as it comes', async () => {
    const seen: string[] = [];
    const result = await collectStream(
      stream(
        { type: 'reasoning-delta', text: 'Think' },
        { type: 'reasoning-delta', text: 'ing.' },
        { type: 'text-delta', text: 'Let me ' },
        { type: 'text-delta', text: 'look.' },
        { type: 'tool-call', toolCall: { id: 'c1', name: 'read_file', arguments: '{}' } },
        { type: 'usage', usage: { inputTokens: 10, outputTokens: 4 } },
        { type: 'finish', reason: 'tool-calls' },
      ),
      (part) => seen.push(part.type),
    );
    expect(result).toEqual({
      text: 'Let me look.',
      reasoning: 'Thinking.',
      toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{}' }],
      usage: { inputTokens: 10, outputTokens: 4 },
      finishReason: 'tool-calls',
      error: undefined,
    });
    expect(seen).toHaveLength(7);
  });

  it('keeps the first error and leaves finishReason undefined when the stream failed', async () => {
    const result = await collectStream(
      stream(
        { type: 'text-delta', text: 'Par' },
        { type: 'error', error: { kind: 'stream', message: 'broke', isRetryable: true } },
      ),
    );
    expect(result).toMatchObject({ text: 'Par', finishReason: undefined });
    expect(result.error).toEqual({ kind: 'stream', message: 'broke', isRetryable: true });
  });
});
