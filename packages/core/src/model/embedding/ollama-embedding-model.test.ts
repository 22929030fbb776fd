import {
  type FakeOllamaServer,
  startFakeOllamaServer,
  wordOverlapEmbedder,
  wordOverlapVector,
} from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectUnitVersionOf, modelCallError } from './__fixtures__/embedding-test-helpers.js';
import {
  createOllamaEmbeddingModel,
  type OllamaEmbeddingModelOptions,
} from './ollama-embedding-model.js';

let server: FakeOllamaServer;

beforeEach(async () => {
  server = await startFakeOllamaServer({
    models: [{ name: 'nomic-embed-text', contextLength: 8192, capabilities: ['embedding'] }],
  });
});

afterEach(async () => {
  await server.close();
});

function model(options: Partial<OllamaEmbeddingModelOptions> = {}) {
  return createOllamaEmbeddingModel({
    baseUrl: server.baseUrl,
    model: 'nomic-embed-text',
    sleep: () => Promise.resolve(),
    ...options,
  });
}

describe('ollama embedding adapter', () => {
  it('posts batches to /api/embed with input and truncate, returning unit vectors in order', async () => {
    const texts = ['read a file', 'write a file', 'parseHttpResponse', 'cake', 'tea'];
    const embedder = model({ batchSize: 2 });
    const vectors = await embedder.embed(texts);
    vectors.forEach((vector, index) =>
      expectUnitVersionOf(vector, wordOverlapVector(texts[index] ?? '')),
    );
    expect(server.embeddingRequests.map((request) => request.body)).toEqual([
      { model: 'nomic-embed-text', input: ['read a file', 'write a file'], truncate: true },
      { model: 'nomic-embed-text', input: ['parseHttpResponse', 'cake'], truncate: true },
      { model: 'nomic-embed-text', input: ['tea'], truncate: true },
    ]);
    expect(embedder).toMatchObject({ provider: 'ollama', modelId: 'nomic-embed-text' });
    expect(await embedder.dimensions()).toBe(128);
    expect(server.embeddingRequests).toHaveLength(3);
  });

  it('says how to pull a model Ollama does not have', async () => {
    const error = await modelCallError(model({ model: 'mxbai-embed-large' }).embed(['a']));
    expect(error).toMatchObject({ kind: 'http', statusCode: 404 });
    expect(error.message).toBe(
      `Ollama at ${server.baseUrl} has no model named "mxbai-embed-large". Download it with ` +
        '`ollama pull mxbai-embed-large`, or pick one that `ollama list` shows.',
    );
  });

  it("passes on Ollama's own explanation of other errors", async () => {
    server.embedWith(() => ({
      type: 'http-error',
      status: 400,
      message: '"llama3" does not support embeddings',
    }));
    const error = await modelCallError(model().embed(['a']));
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} answered 400: "llama3" does not support embeddings.`,
    );
  });

  it('says how to start Ollama when it is not running', async () => {
    await server.close();
    const error = await modelCallError(model({ maxRetries: 0 }).embed(['a']));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      `Ollama is not reachable at ${server.baseUrl} (connection refused). Start it ` +
        '(`ollama serve`, or the Ollama app), or pass the right --base-url.',
    );
  });

  it('refuses vectors whose length changes between calls', async () => {
    const embedder = model();
    await embedder.embed(['first']);
    server.embedWith(wordOverlapEmbedder(32));
    const error = await modelCallError(embedder.embed(['second']));
    expect(error.message).toMatch(
      /^Ollama at .* returned an embedding of 32 numbers for model "nomic-embed-text", where earlier embeddings had 128\./,
    );
  });
});
