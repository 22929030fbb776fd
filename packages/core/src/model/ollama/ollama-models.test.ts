import { type FakeOllamaServer, startFakeOllamaServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallError } from '../../errors/model-call-error.js';
import { createOllamaModel } from './ollama-model.js';
import { describeOllamaModel, listOllamaModels, listRunningOllamaModels } from './ollama-models.js';

let server: FakeOllamaServer;

beforeEach(async () => {
  server = await startFakeOllamaServer({
    models: [
      {
        name: 'qwen2.5-coder:7b',
        contextLength: 32_768,
        capabilities: ['completion', 'tools', 'insert'],
      },
      { name: 'llama3.2:1b', contextLength: 131_072, family: 'llama' },
    ],
  });
});

afterEach(async () => {
  await server.close();
});

/** The error `promise` rejects with, checked to be a ModelCallError. */
async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(ModelCallError.isInstance(error)).toBe(true);
  return error as ModelCallError;
}

describe('describeOllamaModel', () => {
  it('reads the context length of the model’s architecture, its capabilities and details', async () => {
    expect(await describeOllamaModel({ baseUrl: server.baseUrl, model: 'llama3.2:1b' })).toEqual({
      contextLength: 131_072,
      capabilities: ['completion', 'tools'],
      family: 'llama',
      parameterSize: '7.6B',
      quantization: 'Q4_K_M',
    });
    const qwen = await describeOllamaModel({
      baseUrl: `${server.baseUrl}/`,
      model: 'qwen2.5-coder:7b',
    });
    expect(qwen).toMatchObject({
      contextLength: 32_768,
      capabilities: ['completion', 'tools', 'insert'],
    });
    expect(server.requests[1]).toMatchObject({
      method: 'POST',
      path: '/api/show',
      body: { model: 'qwen2.5-coder:7b' },
    });
  });

  it('says how to pull a model Ollama does not have', async () => {
    const error = await failure(describeOllamaModel({ baseUrl: server.baseUrl, model: 'phi4' }));
    expect(error).toMatchObject({ kind: 'http', statusCode: 404, isRetryable: false });
    expect(error.message).toContain('`ollama pull phi4`');
  });

  it('reads a context length under another key, or none', async () => {
    const answer =
      (body: object): typeof fetch =>
      () =>
        Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    const odd = answer({ model_info: { 'general.architecture': 'x', 'y.context_length': 4096 } });
    expect(await describeOllamaModel({ baseUrl: server.baseUrl, model: 'm', fetch: odd })).toEqual({
      contextLength: 4096,
      capabilities: [],
    });
    const bare = answer({});
    expect(await describeOllamaModel({ baseUrl: server.baseUrl, model: 'm', fetch: bare })).toEqual(
      { contextLength: undefined, capabilities: [] },
    );
  });
});

describe('listOllamaModels', () => {
  it('lists the downloaded models with their size and details', async () => {
    expect(await listOllamaModels({ baseUrl: server.baseUrl })).toEqual([
      {
        name: 'qwen2.5-coder:7b',
        sizeBytes: 1_000_000_000,
        family: 'qwen2',
        parameterSize: '7.6B',
        quantization: 'Q4_K_M',
      },
      {
        name: 'llama3.2:1b',
        sizeBytes: 1_000_000_000,
        family: 'llama',
        parameterSize: '7.6B',
        quantization: 'Q4_K_M',
      },
    ]);
  });

  it('throws a ModelCallError saying how to start Ollama when it is not running', async () => {
    await server.close();
    const error = await failure(listOllamaModels({ baseUrl: server.baseUrl }));
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect(error.message).toBe(
      `Ollama is not reachable at ${server.baseUrl} (connection refused). Start it ` +
        '(`ollama serve`, or the Ollama app), or pass the right --base-url.',
    );
  });

  it('throws a timeout ModelCallError when Ollama does not answer', async () => {
    const silent: typeof fetch = () => new Promise<Response>(() => undefined);
    const error = await failure(
      listOllamaModels({ baseUrl: server.baseUrl, fetch: silent, timeoutMs: 20 }),
    );
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(error.message).toContain('sent nothing for 20 ms');
  });

  it('throws a protocol ModelCallError for something that is not Ollama', async () => {
    const other: typeof fetch = () =>
      Promise.resolve(new Response('{"object":"list","data":[]}', { status: 200 }));
    const error = await failure(listOllamaModels({ baseUrl: server.baseUrl, fetch: other }));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('/api/tags answered something unexpected');
  });
});

describe('listRunningOllamaModels', () => {
  it('lists the loaded models with the context they were loaded with', async () => {
    expect(await listRunningOllamaModels({ baseUrl: server.baseUrl })).toEqual([]);
    server.push('Hi.');
    const model = createOllamaModel({ baseUrl: server.baseUrl, model: 'llama3.2:1b' });
    for await (const part of model.stream({
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [],
    })) {
      expect(part.type).not.toBe('error');
    }
    expect(await listRunningOllamaModels({ baseUrl: server.baseUrl })).toEqual([
      {
        name: 'llama3.2:1b',
        sizeBytes: 1_000_000_000,
        vramBytes: 0,
        contextLength: 8192,
        expiresAt: '2099-01-01T00:00:00Z',
      },
    ]);
  });
});
