import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeLlmServer } from './fake-llm-server.js';
import { wordOverlapVector } from './fake-embeddings.js';
import { reply } from './reply.js';

let server: FakeLlmServer;

beforeEach(async () => {
  server = await startFakeLlmServer({ models: ['qwen2.5-coder-1.5b', 'llama-3.2-1b'] });
});

afterEach(async () => {
  await server.close();
});

function chat(body: object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'qwen2.5-coder-1.5b', messages: [], ...body }),
  });
}

/** The JSON objects of an SSE body, checking the exact framing the fake promises. */
function events(text: string): { data: unknown[]; done: boolean } {
  const blocks = text.split('\n\n');
  expect(blocks.pop()).toBe('');
  const done = blocks.at(-1) === 'data: [DONE]';
  if (done) blocks.pop();
  for (const block of blocks) expect(block.startsWith('data: ')).toBe(true);
  return { data: blocks.map((block) => JSON.parse(block.slice('data: '.length)) as unknown), done };
}

interface WireChunk {
  object: string;
  choices: {
    delta: {
      role?: string;
      content?: string;
      reasoning_content?: string;
      tool_calls?: {
        index: number;
        id?: string;
        type?: string;
        function: { name?: string; arguments: string };
      }[];
    };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

describe('startFakeLlmServer', () => {
  it('listens on 127.0.0.1 with an OpenAI-style base URL', () => {
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/v1`);
  });

  it('streams text as chat.completion.chunk events, then finish, usage and [DONE]', async () => {
    server.push(
      reply().reasoning('Think.').text('Hello there').usage({ inputTokens: 9, outputTokens: 3 }),
    );
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const { data, done } = events(await response.text());
    const chunks = data as WireChunk[];
    expect(done).toBe(true);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const reasoning = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '');
    expect(text).toBe('Hello there');
    expect(reasoning.join('')).toBe('Think.');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
  });

  it('sends no usage chunk unless stream_options.include_usage is set', async () => {
    server.push('Hi');
    const { data } = events(await (await chat({ stream: true })).text());
    expect((data as WireChunk[]).some((chunk) => chunk.usage !== undefined)).toBe(false);
  });

  it('streams tool call arguments over several chunks after a start chunk', async () => {
    const args = { path: 'src/parser.ts', content: 'export const x = 1;\n' };
    server.push(
      reply().toolCall('write_file', args).toolCall('run', { command: 'npm test' }, 'call_run'),
    );
    const { data } = events(await (await chat({ stream: true })).text());
    const deltas = (data as WireChunk[]).flatMap(
      (chunk) => chunk.choices[0]?.delta.tool_calls ?? [],
    );
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'call_1_0',
      type: 'function',
      function: { name: 'write_file', arguments: '' },
    });
    const first = deltas.filter((delta) => delta.index === 0);
    expect(first.length).toBeGreaterThan(3);
    expect(first.map((delta) => delta.function.arguments).join('')).toBe(JSON.stringify(args));
    expect(deltas.find((delta) => delta.index === 1)?.id).toBe('call_run');
    expect((data as WireChunk[]).at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers without stream as one chat.completion object', async () => {
    server.push(reply().reasoning('Hmm.').text('Done.').rawToolCall('edit', '{"path":'));
    const body = (await (await chat({})).json()) as object;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'qwen2.5-coder-1.5b',
      choices: [
        {
          message: {
            role: 'assistant',
            content: 'Done.',
            reasoning_content: 'Hmm.',
            tool_calls: [
              {
                id: 'call_1_0',
                type: 'function',
                function: { name: 'edit', arguments: '{"path":' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 100 },
    });
  });

  it('records every request with method, path, headers and parsed body', async () => {
    server.push('one');
    await (await chat({ stream: false }, { authorization: 'Bearer secret' })).text();
    await (await fetch(`${server.baseUrl}/models?limit=5`)).text();
    await (await fetch(`${server.baseUrl}/nowhere`, { method: 'POST', body: 'not json' })).text();
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/chat/completions',
      'GET /v1/models',
      'POST /v1/nowhere',
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer secret');
    expect(server.requests[0]?.body).toEqual({
      model: 'qwen2.5-coder-1.5b',
      messages: [],
      stream: false,
    });
    expect(server.requests[1]?.body).toBeUndefined();
    expect(server.requests[2]?.body).toBe('not json');
  });

  it('lists the configured models and answers unknown routes with a 404 JSON error', async () => {
    const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((model) => model.id)).toEqual(['qwen2.5-coder-1.5b', 'llama-3.2-1b']);
    const missing = await fetch(`${server.baseUrl}/embeddings`);
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { error: { message: string } };
    expect(body.error.message).toBe('Fake LLM server: unknown route GET /v1/embeddings.');
  });

  it('answers 500 saying the script is exhausted when nothing is queued', async () => {
    const response = await chat({ stream: true });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/script is exhausted; chat request #1/);
  });

  it('consumes queued replies in order, then asks the responder', async () => {
    server.push('first');
    server.respond((request) => `seen ${request.path}`);
    const texts = [];
    for (let index = 0; index < 2; index++) {
      const body = (await (await chat({})).json()) as {
        choices: { message: { content: string } }[];
      };
      texts.push(body.choices[0]?.message.content);
    }
    expect(texts).toEqual(['first', 'seen /v1/chat/completions']);
  });

  it('answers httpError with that status, its headers and an OpenAI-style body', async () => {
    server.push(reply().httpError(429, 'Too many requests', { 'retry-after': '3' }));
    const response = await chat({ stream: true });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: 429 },
    });
  });

  it('destroys the connection after the chunks dieAfter allows', async () => {
    server.push(reply().text('abcdefghijklmnop').dieAfter(2));
    const response = await chat({ stream: true });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    const read = async (): Promise<void> => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += new TextDecoder().decode(value);
      }
    };
    await expect(read()).rejects.toThrow();
    expect(received.match(/^data: /gm)).toHaveLength(2);
    expect(received).not.toContain('[DONE]');
  });

  it('holds a hanging request open until close, which ends it and can be called twice', async () => {
    server.push(reply().hang());
    const pending = chat({ stream: true });
    await expect.poll(() => server.requests.length).toBe(1);
    await Promise.all([server.close(), server.close()]);
    await expect(pending).rejects.toThrow();
  });

  it('answers GET /props like llama.cpp when given a context window', async () => {
    const withProps = await startFakeLlmServer({ contextWindow: 8192 });
    try {
      const origin = withProps.baseUrl.replace(/\/v1$/, '');
      expect(await (await fetch(`${origin}/props`)).json()).toMatchObject({
        default_generation_settings: { n_ctx: 8192 },
      });
      expect((await fetch(`${server.baseUrl.replace(/\/v1$/, '')}/props`)).status).toBe(404);
    } finally {
      await withProps.close();
    }
  });

  it('embeds texts with word-overlap vectors in input order, recording the request', async () => {
    const texts = ['parse the http response', 'parseHttpResponse', 'bake a cake'];
    const response = await fetch(`${server.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-3.2-1b', input: texts }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      data: { object: string; index: number; embedding: number[] }[];
    };
    expect(body).toMatchObject({ object: 'list', model: 'llama-3.2-1b' });
    expect(body.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(body.data.map((item) => item.embedding)).toEqual(
      texts.map((text) => wordOverlapVector(text)),
    );
    expect(server.embeddingRequests).toHaveLength(1);
    expect(server.embeddingRequests[0]?.body).toEqual({ model: 'llama-3.2-1b', input: texts });
    expect(server.chatRequests).toHaveLength(0);
  });

  it('answers an embedding request for an unknown model with an OpenAI-style 404', async () => {
    const response = await fetch(`${server.baseUrl}/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nope', input: 'x' }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: 'The model `nope` does not exist.' },
    });
  });

  it('embeds with a scripted embedder, and back to the default when it is removed', async () => {
    const embed = () =>
      fetch(`${server.baseUrl}/embeddings`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama-3.2-1b', input: 'only one' }),
      });
    server.embedWith(({ texts }) => texts.map(() => [3, 4]));
    expect(await (await embed()).json()).toMatchObject({ data: [{ embedding: [3, 4] }] });
    server.embedWith(() => ({ type: 'http-error', status: 501, message: 'no --embeddings' }));
    const failed = await embed();
    expect(failed.status).toBe(501);
    expect(await failed.json()).toMatchObject({ error: { message: 'no --embeddings' } });
    server.embedWith(undefined);
    expect(await (await embed()).json()).toMatchObject({
      data: [{ embedding: wordOverlapVector('only one') }],
    });
  });
});
