import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeLlmServer,
  type FakeOllamaServer,
  fixtureModelPath,
  startFakeLlmServer,
  startFakeOllamaServer,
  wordOverlapVector,
} from '@outpost/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/config-error.js';
import { OfflineError } from '../../errors/offline-error.js';
import { createGuardedFetch } from '../../network/network-policy.js';
import { expectUnitVersionOf } from './__fixtures__/embedding-test-helpers.js';
import { createEmbeddingModel } from './create-embedding-model.js';

let ollama: FakeOllamaServer;
let llamaServer: FakeLlmServer;
let directory: string;

beforeAll(async () => {
  ollama = await startFakeOllamaServer({
    models: [{ name: 'nomic-embed-text', contextLength: 8192 }],
  });
  llamaServer = await startFakeLlmServer({ models: ['bge-small'] });
  directory = await mkdtemp(join(tmpdir(), 'outpost-embedding-choice-'));
});

afterAll(async () => {
  await Promise.all([ollama.close(), llamaServer.close()]);
  await rm(directory, { recursive: true, force: true });
});

const origin = (server: FakeLlmServer) => server.baseUrl.replace(/\/v1$/, '');

describe('createEmbeddingModel', () => {
  it('runs an existing .gguf file in this process', async () => {
    const model = await createEmbeddingModel({ model: fixtureModelPath(), threads: 1 });
    try {
      expect(model).toMatchObject({ provider: 'embedded', modelId: 'stories260K' });
      expect(await model.dimensions()).toBe(64);
    } finally {
      await model.dispose?.();
    }
  });

  it('uses Ollama when a path-less URL answers /api/version', async () => {
    const model = await createEmbeddingModel({
      model: 'nomic-embed-text',
      baseUrl: ollama.baseUrl,
    });
    expect(model).toMatchObject({ provider: 'ollama', modelId: 'nomic-embed-text' });
    const [vector] = await model.embed(['find the parser']);
    expectUnitVersionOf(vector, wordOverlapVector('find the parser'));
    expect(ollama.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/version',
      'POST /api/embed',
    ]);
  });

  it('uses an OpenAI-compatible server otherwise, adding /v1 to a path-less URL', async () => {
    const model = await createEmbeddingModel({
      model: 'bge-small',
      baseUrl: `${origin(llamaServer)}/`,
      apiKey: 'key',
    });
    expect(model.provider).toBe('openai-compatible');
    expect(await model.embed(['x'])).toHaveLength(1);
    const paths = llamaServer.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths).toEqual(['GET /api/version', 'POST /v1/embeddings']);
    expect(llamaServer.requests[1]?.headers.authorization).toBe('Bearer key');
  });

  it('takes a URL with a path as the OpenAI-compatible base, without probing', async () => {
    const before = llamaServer.requests.length;
    const model = await createEmbeddingModel({ model: 'bge-small', baseUrl: llamaServer.baseUrl });
    expect(model.provider).toBe('openai-compatible');
    await model.embed(['x']);
    const paths = llamaServer.requests.slice(before).map((request) => request.path);
    expect(paths).toEqual(['/v1/embeddings']);
  });

  it('takes a .gguf name that is no file as a server model name when a server is given', async () => {
    const model = await createEmbeddingModel({
      model: 'bge-small.gguf',
      baseUrl: llamaServer.baseUrl,
    });
    expect(model).toMatchObject({ provider: 'openai-compatible', modelId: 'bge-small.gguf' });
  });

  it('refuses a setting that names neither a file nor a server', async () => {
    const missing = join(directory, 'missing.gguf');
    await expect(createEmbeddingModel({ model: missing })).rejects.toThrow(
      new ConfigError(`There is no embedding model file at ${missing}.`),
    );
    await expect(createEmbeddingModel({ model: 'nomic-embed-text' })).rejects.toThrow(
      /is not a \.gguf file and no server was given/,
    );
    await expect(createEmbeddingModel({ model: 'x', baseUrl: 'not a url' })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('refuses another machine while offline before connecting', async () => {
    const offline = createGuardedFetch({ offline: true });
    await expect(
      createEmbeddingModel({ model: 'x', baseUrl: 'http://192.0.2.10:11434', fetch: offline }),
    ).rejects.toBeInstanceOf(OfflineError);
  });
});
