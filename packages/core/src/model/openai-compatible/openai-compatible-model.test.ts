import type { ModelRequest, StreamPart } from '@outpost/protocol';
import { type FakeLlmServer, reply, startFakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../stream-result.js';
import { createOpenAiCompatibleModel } from './openai-compatible-model.js';

let server: FakeLlmServer;

beforeEach(async () => {
  server = await startFakeLlmServer({ models: ['qwen2.5-coder-7b'] });
});

afterEach(async () => {
  await server.close();
});

function model(options: { apiKey?: string; generateId?: () => string } = {}) {
  return createOpenAiCompatibleModel({
    baseUrl: server.baseUrl,
    model: 'qwen2.5-coder-7b',
    sleep: () => Promise.resolve(),
    ...options,
  });
}

const ask: ModelRequest = { messages: [{ role: 'user', content: 'Fix the bug.' }], tools: [] };

async function parts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of stream) collected.push(part);
  return collected;
}

describe('createOpenAiCompatibleModel', () => {
  it('streams text deltas as they arrive, then usage and finish', async () => {
    server.push(
      reply().text('The bug is in parser.ts.').usage({ inputTokens: 40, outputTokens: 8 }),
    );
    const streamed = await parts(model().stream(ask));
    const deltas = streamed.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((part) => part.text).join('')).toBe('The bug is in parser.ts.');
    expect(streamed.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 40, outputTokens: 8 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('joins tool call arguments split over chunks into one tool-call part', async () => {
    const args = { path: 'src/parser.ts', oldText: 'a < b', newText: 'a <= b' };
    server.push(reply().text('Let me fix it.').toolCall('edit_file', args));
    const streamed = await parts(model().stream(ask));
    expect(streamed.map((part) => part.type)).toEqual([
      ...Array<string>(4).fill('text-delta'),
      'tool-call',
      'usage',
      'finish',
    ]);
    expect(streamed[4]).toEqual({
      type: 'tool-call',
      toolCall: { id: 'call_1_0', name: 'edit_file', arguments: JSON.stringify(args) },
    });
    expect(streamed.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('keeps several tool calls of one response apart, in order', async () => {
    server.push(
      reply()
        .toolCall('read_file', { path: 'a.ts' })
        .toolCall('read_file', { path: 'b.ts' }, 'call_b')
        .rawToolCall('run_command', '{"command": "npm te'),
    );
    const result = await collectStream(model().stream(ask));
    expect(result.toolCalls).toEqual([
      { id: 'call_1_0', name: 'read_file', arguments: '{"path":"a.ts"}' },
      { id: 'call_b', name: 'read_file', arguments: '{"path":"b.ts"}' },
      { id: 'call_1_2', name: 'run_command', arguments: '{"command": "npm te' },
    ]);
    expect(result.error).toBeUndefined();
  });

  it('makes ids for tool calls the server sent without one', async () => {
    server.push(reply().toolCall('a', {}).toolCall('b', {}).withoutToolCallIds());
    let next = 0;
    const result = await collectStream(model({ generateId: () => `made-${++next}` }).stream(ask));
    expect(result.toolCalls.map((call) => call.id)).toEqual(['made-1', 'made-2']);
  });

  it('reports tool calls sent whole with finish_reason stop as tool-calls (LM Studio)', async () => {
    server.push(reply().toolCall('read_file', { path: 'a.ts' }).chunkSize(Infinity).finish('stop'));
    const result = await collectStream(model().stream(ask));
    expect(result.toolCalls).toHaveLength(1);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('streams reasoning_content as reasoning deltas before the answer', async () => {
    server.push(reply().reasoning('The loop is off by one.').text('Changed < to <=.'));
    const streamed = await parts(model().stream(ask));
    const types = streamed.map((part) => part.type);
    expect(types.indexOf('text-delta')).toBeGreaterThan(types.lastIndexOf('reasoning-delta'));
    const text = (type: StreamPart['type']) =>
      streamed.map((part) => (part.type === type && 'text' in part ? part.text : '')).join('');
    expect(text('reasoning-delta')).toBe('The loop is off by one.');
    expect(text('text-delta')).toBe('Changed < to <=.');
  });

  it('sends the conversation, tools and options in the OpenAI wire format', async () => {
    server.push('ok');
    const request: ModelRequest = {
      messages: [
        { role: 'system', content: 'You are Outpost.' },
        { role: 'user', content: 'Read a.ts' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_7', name: 'read_file', arguments: '{"path":"a.ts"}' }],
        },
        { role: 'tool', toolCallId: 'call_7', toolName: 'read_file', content: 'export {}' },
        { role: 'assistant', content: 'It is empty.', toolCalls: [] },
      ],
      tools: [
        {
          name: 'read_file',
          description: 'Read a file.',
          inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
        },
      ],
      toolChoice: 'auto',
      maxOutputTokens: 512,
      temperature: 0.2,
    };
    await parts(model({ apiKey: 'sk-local' }).stream(request));
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-local');
    expect(server.requests[0]?.body).toEqual({
      model: 'qwen2.5-coder-7b',
      messages: [
        { role: 'system', content: 'You are Outpost.' },
        { role: 'user', content: 'Read a.ts' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: 'call_7',
              type: 'function',
              function: { name: 'read_file', arguments: '{"path":"a.ts"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_7', content: 'export {}' },
        { role: 'assistant', content: 'It is empty.' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'read_file',
            description: 'Read a file.',
            parameters: { type: 'object', properties: { path: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
      max_tokens: 512,
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends earlier malformed tool-call arguments back as {} so chat templates accept them', async () => {
    server.push('ok');
    await parts(
      model().stream({
        messages: [
          { role: 'user', content: 'Fix the bug.' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'bad', name: 'read_file', arguments: '{"path": "a.py"' },
              { id: 'list', name: 'read_file', arguments: '["a.py"]' },
              { id: 'good', name: 'read_file', arguments: '{"path":"b.py"}' },
            ],
          },
        ],
        tools: [],
      }),
    );
    const body = server.requests[0]?.body as {
      messages: { tool_calls?: { function: { arguments: string } }[] }[];
    };
    expect(body.messages[1]?.tool_calls?.map((call) => call.function.arguments)).toEqual([
      '{}',
      '{}',
      '{"path":"b.py"}',
    ]);
  });

  it('leaves tools and tool_choice out when there are no tools', async () => {
    server.push('ok');
    await parts(model().stream({ ...ask, toolChoice: 'required' }));
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
  });

  it('reads the context window from a llama.cpp server, unless one is configured', async () => {
    const llamaCpp = await startFakeLlmServer({ contextWindow: 16384 });
    try {
      const options = { baseUrl: llamaCpp.baseUrl, model: 'm' };
      expect(await createOpenAiCompatibleModel(options).contextWindow()).toBe(16384);
      const configured = createOpenAiCompatibleModel({ ...options, contextWindow: 4096 });
      expect(await configured.contextWindow()).toBe(4096);
      expect(await model().contextWindow()).toBeUndefined();
    } finally {
      await llamaCpp.close();
    }
  });

  it('describes itself and estimates tokens at about four characters each', async () => {
    const adapter = model();
    expect(adapter.provider).toBe('openai-compatible');
    expect(adapter.modelId).toBe('qwen2.5-coder-7b');
    expect(adapter.capabilities).toEqual({
      nativeTools: true,
      jsonSchema: true,
      grammar: false,
      embeddings: false,
    });
    expect(await adapter.countTokens('x'.repeat(1000))).toBe(250);
  });
});
