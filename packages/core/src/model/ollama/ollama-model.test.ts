import type { ModelRequest, StreamPart, ToolSpec } from '@outpost/protocol';
import {
  type FakeOllamaServer,
  rawBodyReply,
  reply,
  startFakeOllamaServer,
} from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../stream-result.js';
import { type OllamaModelOptions, createOllamaModel } from './ollama-model.js';
import { describeOllamaModel } from './ollama-models.js';

let server: FakeOllamaServer;

beforeEach(async () => {
  server = await startFakeOllamaServer({
    models: [
      {
        name: 'qwen2.5-coder:7b',
        contextLength: 32_768,
        capabilities: ['completion', 'tools', 'insert'],
      },
      { name: 'gemma:2b', contextLength: 8192, capabilities: ['completion'], family: 'gemma' },
    ],
  });
});

afterEach(async () => {
  await server.close();
});

let ids = 0;
function model(options: Partial<OllamaModelOptions> = {}) {
  return createOllamaModel({
    baseUrl: server.baseUrl,
    model: 'qwen2.5-coder:7b',
    sleep: () => Promise.resolve(),
    generateId: () => `call_test_${++ids}`,
    ...options,
  });
}

const readFile: ToolSpec = {
  name: 'read_file',
  description: 'Read a file of the project.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

const ask: ModelRequest = {
  messages: [
    { role: 'system', content: 'You are a careful coding agent.' },
    { role: 'user', content: 'Hello' },
  ],
  tools: [],
};

async function parts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of stream) collected.push(part);
  return collected;
}

/** The body of the only `/api/chat` request so far. */
function chatBody(): Record<string, unknown> {
  expect(server.chatRequests).toHaveLength(1);
  return server.chatRequests[0]?.body as Record<string, unknown>;
}

describe('createOllamaModel', () => {
  it('names itself after the provider and the model', () => {
    const subject = model();
    expect(subject.provider).toBe('ollama');
    expect(subject.modelId).toBe('qwen2.5-coder:7b');
  });

  it('takes its capabilities from the description describeOllamaModel gives', async () => {
    const description = await describeOllamaModel({
      baseUrl: server.baseUrl,
      model: 'qwen2.5-coder:7b',
    });
    expect(model({ description }).capabilities).toEqual({
      nativeTools: true,
      jsonSchema: true,
      grammar: false,
      embeddings: false,
    });
    const embedder = { contextLength: 8192, capabilities: ['embedding'] };
    expect(model({ description: embedder }).capabilities).toMatchObject({
      nativeTools: false,
      embeddings: true,
    });
    expect(model().capabilities.nativeTools).toBe(false);
  });

  it('reads the context window from /api/show once, unless told', async () => {
    const subject = model();
    expect(await subject.contextWindow()).toBe(32_768);
    expect(await subject.contextWindow()).toBe(32_768);
    expect(server.requests.map((request) => request.path)).toEqual(['/api/show']);
    expect(server.requests[0]?.body).toEqual({ model: 'qwen2.5-coder:7b' });
    expect(await model({ model: 'gemma:2b' }).contextWindow()).toBe(8192);
    expect(await model({ contextLength: 16_384 }).contextWindow()).toBe(16_384);
    const described = { contextLength: 4096, capabilities: [] };
    expect(await model({ description: described }).contextWindow()).toBe(4096);
    expect(await model({ numCtx: 8192 }).contextWindow()).toBe(8192);
    expect(server.requests).toHaveLength(3);
  });

  it('asks /api/show again after it failed', async () => {
    const subject = model({ model: 'missing:1b' });
    expect(await subject.contextWindow()).toBeUndefined();
    expect(await subject.contextWindow()).toBeUndefined();
    expect(server.requests.filter((request) => request.path === '/api/show')).toHaveLength(2);
  });

  it('over-counts tokens, about one per 3 bytes', async () => {
    expect(await model().countTokens('x'.repeat(300))).toBe(100);
    expect(await model().countTokens('写代码')).toBe(3);
  });

  it('streams text deltas, then usage and finish', async () => {
    server.push(reply().text('Hello there, friend.').usage({ inputTokens: 42, outputTokens: 5 }));
    const streamed = await parts(model().stream(ask));
    const text = streamed.filter((part) => part.type === 'text-delta');
    expect(text.length).toBeGreaterThan(1);
    expect(streamed.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 42, outputTokens: 5 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('reports evaluated prompt tokens only when Ollama says how many were cached', async () => {
    const usage = { inputTokens: 1200, outputTokens: 3, evaluatedInputTokens: 200 };
    server.push(reply().text('ok').usage(usage));
    const result = await collectStream(model().stream(ask));
    expect(result.usage).toEqual(usage);
  });

  it('sends the conversation in Ollama’s native format', async () => {
    server.push('ok');
    await parts(
      model().stream({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Read a.ts' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' },
              { id: 'call_2', name: 'read_file', arguments: '{"path": broken' },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', toolName: 'read_file', content: 'export {}' },
        ],
        tools: [readFile],
        toolChoice: 'required',
        temperature: 0.2,
      }),
    );
    const body = chatBody();
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Read a.ts' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { function: { name: 'read_file', arguments: { path: 'a.ts' } } },
          { function: { name: 'read_file', arguments: {} } },
        ],
      },
      { role: 'tool', content: 'export {}', tool_name: 'read_file' },
    ]);
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'read_file',
          description: 'Read a file of the project.',
          parameters: readFile.inputSchema,
        },
      },
    ]);
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('format');
    expect(body).toMatchObject({ model: 'qwen2.5-coder:7b', stream: true, keep_alive: '30m' });
    expect(body.options).toMatchObject({ temperature: 0.2 });
  });

  it('leaves tools out when there are none, and sends the keep_alive it was given', async () => {
    server.push('ok');
    await parts(model({ keepAlive: '2h' }).stream(ask));
    const body = chatBody();
    expect(body).not.toHaveProperty('tools');
    expect(body.keep_alive).toBe('2h');
    expect(body.options).not.toHaveProperty('temperature');
  });

  it('sends a response format as the format schema', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    server.push('{"answer":"yes"}');
    const result = await collectStream(
      model().stream({ ...ask, responseFormat: { type: 'json-schema', name: 'turn', schema } }),
    );
    expect(result.text).toBe('{"answer":"yes"}');
    expect(chatBody().format).toEqual(schema);
  });

  it('streams thinking as reasoning deltas', async () => {
    server.push(reply().reasoning('The user greets me.').text('Hi!'));
    const streamed = await parts(model().stream(ask));
    const text = (type: StreamPart['type']) =>
      streamed.map((part) => (part.type === type && 'text' in part ? part.text : ''));
    expect(text('reasoning-delta').filter((piece) => piece !== '').length).toBeGreaterThan(1);
    expect(text('reasoning-delta').join('')).toBe('The user greets me.');
    expect(text('text-delta').join('')).toBe('Hi!');
  });

  it('splits a leading <think> block in the content into reasoning', async () => {
    server.push(reply().text('<think>Greeting, so greet back.</think>\n\nHello!'));
    const result = await collectStream(model().stream(ask));
    expect(result).toMatchObject({
      reasoning: 'Greeting, so greet back.',
      text: 'Hello!',
      error: undefined,
    });
  });

  it('turns tool calls with object arguments into JSON text with generated ids', async () => {
    server.push(
      reply()
        .text('Reading both.')
        .toolCall('read_file', { path: 'a.ts', lines: [1, 20] })
        .toolCall('read_file', { path: 'b.ts' }),
    );
    const result = await collectStream(model().stream({ ...ask, tools: [readFile] }));
    expect(result.toolCalls).toEqual([
      {
        id: `call_test_${ids - 1}`,
        name: 'read_file',
        arguments: '{"path":"a.ts","lines":[1,20]}',
      },
      { id: `call_test_${ids}`, name: 'read_file', arguments: '{"path":"b.ts"}' },
    ]);
    expect(result.text).toBe('Reading both.');
    expect(result.finishReason).toBe('tool-calls');
  });

  it('keeps an id Ollama sends with a tool call', async () => {
    server.push(
      rawBodyReply([
        '{"message":{"role":"assistant","content":"","tool_calls":[{"id":"call_x","function":{"name":"ls","arguments":{}}}]},"done":false}\n',
        '{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2}\n',
      ]),
    );
    const result = await collectStream(model().stream(ask));
    expect(result.toolCalls).toEqual([{ id: 'call_x', name: 'ls', arguments: '{}' }]);
  });

  it('maps done_reason length, and length over tool calls', async () => {
    server.push(reply().text('The answer is').finish('length'));
    expect((await collectStream(model().stream(ask))).finishReason).toBe('length');
    server.push(reply().toolCall('read_file', { path: 'a' }).finish('length'));
    expect((await collectStream(model().stream(ask))).finishReason).toBe('length');
  });

  it('reads lines split across network chunks and a last line without a newline', async () => {
    server.push(
      rawBodyReply([
        '{"message":{"role":"assistant","content":"Hel"},"done":false}\n{"message":{"role":"assi',
        'stant","content":"lo"},"done":false}\n\n',
        '{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":2}',
      ]),
    );
    const result = await collectStream(model().stream(ask));
    expect(result).toMatchObject({
      text: 'Hello',
      usage: { inputTokens: 7, outputTokens: 2 },
      finishReason: 'stop',
      error: undefined,
    });
  });

  it('reads a done line without counts as zero usage, and a load as other', async () => {
    server.push(
      rawBodyReply([
        '{"message":{"role":"assistant","content":""},"done":true,"done_reason":"load"}\n',
      ]),
    );
    const result = await collectStream(model().stream(ask));
    expect(result).toMatchObject({
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: 'other',
    });
  });
});
