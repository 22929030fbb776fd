import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeOllamaServer,
  rawBodyReply,
  startFakeOllamaServer,
  streamErrorReply,
} from './fake-ollama-server.js';
import { wordOverlapVector } from './fake-embeddings.js';
import { reply } from './reply.js';

let server: FakeOllamaServer;

beforeEach(async () => {
  server = await startFakeOllamaServer({
    models: [
      { name: 'qwen2.5-coder:7b', contextLength: 32_768, capabilities: ['completion', 'tools'] },
      { name: 'nomic-embed-text', contextLength: 8192, family: 'nomic-bert' },
    ],
  });
});

afterEach(async () => {
  await server.close();
});

function chat(body: object): Promise<Response> {
  return fetch(`${server.baseUrl}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'qwen2.5-coder:7b',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      options: { num_ctx: 4096 },
      ...body,
    }),
  });
}

interface WireLine {
  model?: string;
  message?: {
    role: string;
    content: string;
    thinking?: string;
    tool_calls?: { function: { index: number; name: string; arguments: unknown } }[];
  };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  prompt_eval_cached_count?: number;
  eval_count?: number;
  error?: string;
}

/** The objects of an NDJSON body, checking that every line ends with a newline. */
function lines(text: string): WireLine[] {
  const pieces = text.split('\n');
  expect(pieces.pop()).toBe('');
  return pieces.map((line) => JSON.parse(line) as WireLine);
}

describe('startFakeOllamaServer', () => {
  it('listens on 127.0.0.1 with a base URL without /v1', () => {
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('streams text and thinking as NDJSON lines, then a done line with counts', async () => {
    server.push(
      reply().reasoning('Think.').text('Hello there').usage({ inputTokens: 9, outputTokens: 3 }),
    );
    const response = await chat({});
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const body = lines(await response.text());
    expect(body.map((line) => line.message?.thinking ?? '').join('')).toBe('Think.');
    expect(body.map((line) => line.message?.content ?? '').join('')).toBe('Hello there');
    expect(body.filter((line) => line.message?.content).length).toBeGreaterThan(1);
    expect(body.slice(0, -1).every((line) => line.done === false)).toBe(true);
    expect(body.at(-1)).toMatchObject({
      model: 'qwen2.5-coder:7b',
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 9,
      eval_count: 3,
    });
    expect(body.at(-1)?.prompt_eval_cached_count).toBeUndefined();
  });

  it('reports cached prompt tokens when the usage says fewer were evaluated', async () => {
    server.push(
      reply().text('ok').usage({ inputTokens: 900, outputTokens: 1, evaluatedInputTokens: 40 }),
    );
    const body = lines(await (await chat({})).text());
    expect(body.at(-1)).toMatchObject({ prompt_eval_count: 900, prompt_eval_cached_count: 860 });
  });

  it('sends each tool call whole with object arguments, and raw text that is not an object as a string', async () => {
    server.push(
      reply()
        .toolCall('read_file', { path: 'src/app.ts' })
        .rawToolCall('write_file', '{"path": "unterminated'),
    );
    const body = lines(await (await chat({})).text());
    const calls = body.flatMap((line) => line.message?.tool_calls ?? []);
    expect(calls).toEqual([
      { function: { index: 0, name: 'read_file', arguments: { path: 'src/app.ts' } } },
      { function: { index: 1, name: 'write_file', arguments: '{"path": "unterminated' } },
    ]);
    expect(body.at(-1)?.done_reason).toBe('stop');
  });

  it('says length when the reply finished at the limit', async () => {
    server.push(reply().text('cut').finish('length'));
    const body = lines(await (await chat({})).text());
    expect(body.at(-1)?.done_reason).toBe('length');
  });

  it('records each chat request with the prompt size, num_ctx and whether it was truncated', async () => {
    server.push('one', 'two', 'three');
    await (await chat({})).text();
    const long = 'x'.repeat(4 * 3000);
    await (await chat({ messages: [{ role: 'user', content: long }] })).text();
    await (await chat({ messages: [{ role: 'user', content: 'Hi' }], options: {} })).text();
    expect(
      server.chatRequests.map(({ promptTokens, numCtx, truncated }) => ({
        promptTokens,
        numCtx,
        truncated,
      })),
    ).toEqual([
      { promptTokens: 2 + 4, numCtx: 4096, truncated: false },
      { promptTokens: 3000 + 4, numCtx: 4096, truncated: false },
      { promptTokens: 1 + 4, numCtx: 2048, truncated: false },
    ]);
  });

  it('truncates like real Ollama when the prompt exceeds num_ctx, 2048 when unset', async () => {
    server.push('a', 'b');
    const prompt = { messages: [{ role: 'user', content: 'y'.repeat(4 * 2100) }] };
    const first = lines(await (await chat({ ...prompt, options: {} })).text());
    await (await chat({ ...prompt, options: { num_ctx: 4096 } })).text();
    expect(server.chatRequests.map((request) => request.truncated)).toEqual([true, false]);
    expect(server.chatRequests[0]?.numCtx).toBe(2048);
    // Like Ollama, it reports only the part of the prompt it kept.
    expect(first.at(-1)?.prompt_eval_count).toBe(2048);
  });

  it('counts a model load on first use and whenever num_ctx changes', async () => {
    server.push('1', '2', '3', '4');
    await (await chat({ options: { num_ctx: 4096 } })).text();
    await (await chat({ options: { num_ctx: 4096 } })).text();
    await (await chat({ options: { num_ctx: 8192 } })).text();
    await (await chat({ options: { num_ctx: 8192 } })).text();
    expect(server.loads).toBe(2);
    expect(server.chatRequests.map((request) => request.loaded)).toEqual([
      true,
      false,
      true,
      false,
    ]);
    const ps = (await (await fetch(`${server.baseUrl}/api/ps`)).json()) as {
      models: { name: string; context_length: number }[];
    };
    expect(ps.models).toMatchObject([{ name: 'qwen2.5-coder:7b', context_length: 8192 }]);
  });

  it('answers an unknown model with 404 before using the script', async () => {
    server.push('kept');
    const response = await chat({ model: 'llama3' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'model "llama3" not found, try pulling it first',
    });
    expect(server.queued).toBe(1);
  });

  it('answers httpError with that status, its headers and an Ollama-style body', async () => {
    server.push(reply().httpError(503, 'server busy', { 'retry-after': '1' }));
    const response = await chat({});
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'server busy' });
  });

  it('ends a stream with an error line', async () => {
    server.push(streamErrorReply('model runner has unexpectedly stopped', reply().text('abcdef')));
    const body = lines(await (await chat({})).text());
    expect(body.at(-1)).toEqual({ error: 'model runner has unexpectedly stopped' });
    expect(body.some((line) => line.done === true)).toBe(false);
  });

  it('destroys the connection after the lines dieAfter allows', async () => {
    server.push(reply().text('abcdefghijkl').dieAfter(2));
    const response = await chat({});
    await expect(response.text()).rejects.toThrow();
  });

  it('writes a raw body exactly as given', async () => {
    server.push(
      rawBodyReply(['{"message":{"content":"a"},"done":false}\n{"mess', 'age":{}}\nnot json']),
    );
    const response = await chat({});
    expect(await response.text()).toBe(
      '{"message":{"content":"a"},"done":false}\n{"message":{}}\nnot json',
    );
  });

  it('answers 500 saying the script is exhausted, then asks the responder', async () => {
    const exhausted = await chat({});
    expect(exhausted.status).toBe(500);
    expect(((await exhausted.json()) as { error: string }).error).toMatch(
      /script is exhausted; chat request #1/,
    );
    server.respond((request) => `num_ctx was ${request.numCtx}`);
    const body = lines(await (await chat({})).text());
    expect(body.map((line) => line.message?.content ?? '').join('')).toBe('num_ctx was 4096');
  });

  it('describes a model with /api/show, and 404s an unknown one', async () => {
    const show = (await (
      await fetch(`${server.baseUrl}/api/show`, {
        method: 'POST',
        body: JSON.stringify({ model: 'nomic-embed-text' }),
      })
    ).json()) as { model_info: Record<string, unknown>; capabilities: string[]; details: object };
    expect(show.model_info).toMatchObject({
      'general.architecture': 'nomic-bert',
      'nomic-bert.context_length': 8192,
    });
    expect(show.capabilities).toEqual(['completion', 'tools']);
    expect(show.details).toMatchObject({ family: 'nomic-bert', quantization_level: 'Q4_K_M' });
    const missing = await fetch(`${server.baseUrl}/api/show`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nope' }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "model 'nope' not found" });
  });

  it('lists models with tags, and answers the version and unknown routes', async () => {
    const tags = (await (await fetch(`${server.baseUrl}/api/tags`)).json()) as {
      models: { name: string; size: number }[];
    };
    expect(tags.models.map((model) => model.name)).toEqual([
      'qwen2.5-coder:7b',
      'nomic-embed-text:latest',
    ]);
    expect(await (await fetch(`${server.baseUrl}/api/version`)).json()).toEqual({
      version: '0.0.0-fake',
    });
    const unknown = await fetch(`${server.baseUrl}/v1/models`);
    expect(unknown.status).toBe(404);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/tags',
      'GET /api/version',
      'GET /v1/models',
    ]);
  });

  it('embeds with /api/embed like Ollama, recording the request apart from chats', async () => {
    const response = await fetch(`${server.baseUrl}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nomic-embed-text', input: ['read the file', 'readFile'] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; embeddings: number[][] };
    expect(body.model).toBe('nomic-embed-text');
    expect(body.embeddings).toEqual([
      wordOverlapVector('read the file'),
      wordOverlapVector('readFile'),
    ]);
    expect(server.embeddingRequests.map((request) => request.body)).toEqual([
      { model: 'nomic-embed-text', input: ['read the file', 'readFile'] },
    ]);
    expect(server.chatRequests).toHaveLength(0);
    expect(server.loads).toBe(0);
  });

  it('answers /api/embed for a model it has not pulled with 404, and scripted failures', async () => {
    const embed = (model: string) =>
      fetch(`${server.baseUrl}/api/embed`, {
        method: 'POST',
        body: JSON.stringify({ model, input: 'text' }),
      });
    const missing = await embed('nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'model "nope" not found, try pulling it first',
    });
    server.embedWith(() => ({ type: 'http-error', status: 500, message: 'out of memory' }));
    const failed = await embed('nomic-embed-text');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'out of memory' });
  });
});
