import type { LanguageModel, StreamPart } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { streamModelTurn } from './model-turn.js';

function clock(...readings: number[]) {
  return () => readings.shift() ?? 0;
}

describe('streamModelTurn', () => {
  it('passes deltas on as they stream and measures time to the first token', async () => {
    const texts: string[] = [];
    const model = new FakeLanguageModel().push(
      reply().reasoning('hmm').text('Hello there').usage({ inputTokens: 5, outputTokens: 2 }),
    );
    const turn = await streamModelTurn({
      model,
      request: { messages: [], tools: [] },
      onText: (text) => texts.push(text),
      onReasoning: () => undefined,
      monotonicNow: clock(100, 130, 180),
    });
    expect(texts.join('')).toBe('Hello there');
    expect(turn).toMatchObject({
      text: 'Hello there',
      reasoning: 'hmm',
      usage: { inputTokens: 5, outputTokens: 2 },
      finishReason: 'stop',
      timeToFirstTokenMs: 30,
      durationMs: 80,
    });
  });

  it('turns an adapter that throws into an error turn', async () => {
    const broken: LanguageModel = {
      provider: 'broken',
      modelId: 'm',
      capabilities: { nativeTools: true, jsonSchema: false, grammar: false, embeddings: false },
      contextWindow: () => Promise.resolve(undefined),
      countTokens: () => Promise.resolve(0),
      stream: () => ({
        [Symbol.asyncIterator]: (): AsyncIterator<StreamPart> => ({
          next: () => Promise.reject(new Error('socket exploded')),
        }),
      }),
    };
    const turn = await streamModelTurn({
      model: broken,
      request: { messages: [], tools: [] },
      onText: () => undefined,
      onReasoning: () => undefined,
      monotonicNow: () => 0,
    });
    expect(turn.finishReason).toBe('error');
    expect(turn.error?.message).toBe('The broken adapter failed: socket exploded');
  });
});
