import type { StreamPart } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { collectStream } from '../stream-result.js';
import { ChatCompletionAccumulator, toFinishReason } from './chat-completion-chunks.js';
import { createOpenAiCompatibleModel } from './openai-compatible-model.js';

const baseUrl = 'http://127.0.0.1:1/v1';

/** An adapter whose server answers every request with `body` (SSE unless JSON is given). */
function answering(body: string, contentType = 'text/event-stream') {
  return createOpenAiCompatibleModel({
    baseUrl,
    model: 'm',
    maxRetries: 0,
    generateId: () => 'generated',
    fetch: () => Promise.resolve(new Response(body, { headers: { 'content-type': contentType } })),
  });
}

const sse = (...chunks: object[]) =>
  chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';
const delta = (value: object, finishReason: string | null = null) => ({
  choices: [{ index: 0, delta: value, finish_reason: finishReason }],
});
const ask = { messages: [{ role: 'user' as const, content: 'hi' }], tools: [] };

async function parts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of stream) collected.push(part);
  return collected;
}

describe('reading chat completion chunks', () => {
  it('reads the `reasoning` field some servers use instead of reasoning_content', async () => {
    const body = sse(delta({ reasoning: 'Hmm' }), delta({ content: 'Hi' }, 'stop'));
    const result = await collectStream(answering(body).stream(ask));
    expect(result).toMatchObject({ reasoning: 'Hmm', text: 'Hi', finishReason: 'stop' });
  });

  it('reads tool calls without index or id, sent whole, with finish_reason stop', async () => {
    const call = { function: { name: 'read_file', arguments: '{"path":"a"}' } };
    const body = sse(delta({ tool_calls: [call] }), delta({}, 'stop'));
    const result = await collectStream(answering(body).stream(ask));
    expect(result.toolCalls).toEqual([
      { id: 'generated', name: 'read_file', arguments: '{"path":"a"}' },
    ]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('keeps two calls apart when a server numbers both index 0 but gives new ids', async () => {
    const first = { index: 0, id: 'a', function: { name: 'one', arguments: '{}' } };
    const second = { index: 0, id: 'b', function: { name: 'two', arguments: '{}' } };
    const body = sse(delta({ tool_calls: [first] }), delta({ tool_calls: [second] }, 'tool_calls'));
    const result = await collectStream(answering(body).stream(ask));
    expect(result.toolCalls.map((toolCall) => toolCall.name)).toEqual(['one', 'two']);
  });

  it('serialises arguments a server sent as an object', async () => {
    const call = { index: 0, id: 'x', function: { name: 'f', arguments: { path: 'a' } } };
    const result = await collectStream(
      answering(sse(delta({ tool_calls: [call] }, 'tool_calls'))).stream(ask),
    );
    expect(result.toolCalls[0]?.arguments).toBe('{"path":"a"}');
  });

  it('reads a whole JSON completion from a server that ignored stream: true', async () => {
    const completion = {
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Whole.', tool_calls: null },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    };
    const streamed = await parts(
      answering(JSON.stringify(completion), 'application/json').stream(ask),
    );
    expect(streamed).toEqual([
      { type: 'text-delta', text: 'Whole.' },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('reports an error the server sends inside the stream', async () => {
    const body = sse(delta({ content: 'Par' }), { error: { message: 'context size exceeded' } });
    const result = await collectStream(answering(body).stream(ask));
    expect(result.text).toBe('Par');
    expect(result.error).toMatchObject({ kind: 'stream', isRetryable: false });
    expect(result.error?.message).toBe(
      `The model server at ${baseUrl} reported an error during the response: context size exceeded.`,
    );
  });

  it('reports a chunk that is not JSON as a protocol error', async () => {
    const result = await collectStream(answering('data: {oops\n\n').stream(ask));
    expect(result.error).toMatchObject({ kind: 'protocol', isRetryable: false });
    expect(result.error?.message).toContain('not valid JSON: {oops');
  });

  it('reports a body that ends before any finish reason as a broken stream', async () => {
    const body = `data: ${JSON.stringify(delta({ content: 'Half' }))}\n\n`;
    const streamed = await parts(answering(body).stream(ask));
    expect(streamed.map((part) => part.type)).toEqual(['text-delta', 'error']);
    expect(streamed[1]).toMatchObject({ error: { kind: 'stream', isRetryable: true } });
  });
});

describe('ChatCompletionAccumulator', () => {
  it('ignores choices other than the first', () => {
    const accumulator = new ChatCompletionAccumulator(() => 'id');
    const chunk = { choices: [{ index: 1, delta: { content: 'other' } }] };
    expect(accumulator.read(JSON.stringify(chunk))).toEqual({ success: true, parts: [] });
  });
});

describe('toFinishReason', () => {
  it.each([
    ['stop', false, 'stop'],
    ['stop', true, 'tool-calls'],
    ['tool_calls', true, 'tool-calls'],
    ['length', true, 'length'],
    ['content_filter', false, 'content-filter'],
    ['eos_token', false, 'other'],
    [undefined, false, 'other'],
    [undefined, true, 'tool-calls'],
  ] as const)('maps %s (tool calls: %s) to %s', (wire, hasToolCalls, expected) => {
    expect(toFinishReason(wire, hasToolCalls)).toBe(expected);
  });
});
