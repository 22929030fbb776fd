import {
  type FakeLlmServer,
  startFakeLlmServer,
  wordOverlapEmbedder,
  wordOverlapVector,
} from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OfflineError } from '../../errors/offline-error.js';
import { createGuardedFetch } from '../../network/network-policy.js';
import { expectUnitVersionOf, modelCallError } from './__fixtures__/embedding-test-helpers.js';
import {
  createOpenAiCompatibleEmbeddingModel,
  type OpenAiCompatibleEmbeddingModelOptions,
} from './openai-compatible-embedding-model.js';

let server: FakeLlmServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeLlmServer({ models: ['nomic-embed-text'] });
  sleeps = [];
});

afterEach(async () => {
  await server.close();
});

function model(options: Partial<OpenAiCompatibleEmbeddingModelOptions> = {}) {
  return createOpenAiCompatibleEmbeddingModel({
    baseUrl: server.baseUrl,
    model: 'nomic-embed-text',
    random: () => 0.5,
    sleep: (milliseconds) => {
      sleeps.push(milliseconds);
      return Promise.resolve();
    },
    ...options,
  });
}

/** A fetch that lets `change` rewrite each JSON answer, as a server with other habits would. */
function rewritingFetch(change: (json: { data: unknown[] }) => unknown): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const json = (await response.json()) as { data: unknown[] };
    return Response.json(change(json), { status: response.status });
  };
}

describe('openai-compatible embedding adapter', () => {
  it('posts batches of 32 texts to /v1/embeddings and returns unit vectors in order', async () => {
    const texts = Array.from({ length: 70 }, (_, index) => `text number ${index} about cats`);
    const vectors = await model({ apiKey: 'secret' }).embed(texts);
    expect(vectors).toHaveLength(70);
    vectors.forEach((vector, index) =>
      expectUnitVersionOf(vector, wordOverlapVector(texts[index] ?? '')),
    );
    const requests = server.embeddingRequests;
    expect(requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual([
      32, 32, 6,
    ]);
    expect(requests[0]?.body).toEqual({
      model: 'nomic-embed-text',
      input: texts.slice(0, 32),
      encoding_format: 'float',
    });
    expect(requests[0]?.headers.authorization).toBe('Bearer secret');
    expect(requests[0]?.path).toBe('/v1/embeddings');
  });

  it('sends nothing for no texts', async () => {
    expect(await model().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('scales vectors to length 1 when the server does not', async () => {
    server.embedWith(({ texts }) => texts.map(() => [3, 4]));
    const [vector] = await model().embed(['any']);
    expect(Array.from(vector ?? [])).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('puts vectors in input order by their index', async () => {
    const reversed = rewritingFetch((json) => ({ ...json, data: [...json.data].reverse() }));
    const [first, second] = await model({ fetch: reversed }).embed(['alpha', 'beta gamma']);
    expectUnitVersionOf(first, wordOverlapVector('alpha'));
    expectUnitVersionOf(second, wordOverlapVector('beta gamma'));
  });

  it('tells its dimensions by one probe, then from what it has seen', async () => {
    const embedder = model();
    expect(await embedder.dimensions()).toBe(128);
    expect(await embedder.dimensions()).toBe(128);
    expect(server.embeddingRequests).toHaveLength(1);
    await embedder.embed(['x']);
    expect(await embedder.dimensions()).toBe(128);
    expect(server.embeddingRequests).toHaveLength(2);
  });

  it('refuses a vector whose length differs from the earlier ones', async () => {
    const embedder = model();
    await embedder.embed(['first']);
    server.embedWith(wordOverlapEmbedder(64));
    const error = await modelCallError(embedder.embed(['second']));
    expect(error.kind).toBe('protocol');
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} returned an embedding of 64 numbers for model ` +
        '"nomic-embed-text", where earlier embeddings had 128. The model may have been replaced ' +
        'under the same name; vectors of different models cannot be compared, so embed again ' +
        'with one model.',
    );
  });

  it('refuses an answer with vectors of mixed lengths or the wrong number of vectors', async () => {
    server.embedWith(() => [
      [1, 0, 0],
      [0, 1],
    ]);
    const mixed = await modelCallError(model().embed(['a', 'b']));
    expect(mixed.message).toMatch(/returned an embedding of 2 numbers .* earlier embeddings had 3/);
    server.embedWith(() => [[1, 0]]);
    const short = await modelCallError(model().embed(['a', 'b']));
    expect(short.message).toBe(
      `The model server at ${server.baseUrl} returned 1 embedding vector for 2 texts ` +
        '(model "nomic-embed-text").',
    );
  });

  it('refuses an all-zero vector', async () => {
    server.embedWith(() => [[0, 0, 0]]);
    const error = await modelCallError(model().embed(['a']));
    expect(error.message).toMatch(
      /all zeros or not a number; the model may not be an embedding model/,
    );
  });

  it('says how to start llama.cpp server when it sends a vector per token', async () => {
    const perToken = rewritingFetch((json) => ({
      data: json.data.map((_, index) => ({
        index,
        embedding: [
          [1, 0],
          [0, 1],
        ],
      })),
    }));
    const error = await modelCallError(model({ fetch: perToken }).embed(['a']));
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/a vector per token .* --pooling mean/);
  });

  it('says when the answer is not a list of embeddings', async () => {
    const odd = rewritingFetch(() => ({ embeddings: [[1, 2]] }));
    const error = await modelCallError(model({ fetch: odd }).embed(['a']));
    expect(error.message).toMatch(
      /^The model server at .* sent a response that cannot be read: POST \/embeddings did not answer one embedding per text/,
    );
  });

  it('names a model the server does not have', async () => {
    const error = await modelCallError(model({ model: 'nope' }).embed(['a']));
    expect(error).toMatchObject({ kind: 'http', statusCode: 404, isRetryable: false });
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} answered 404: The model \`nope\` does not exist. ` +
        'Check the base URL and the model name.',
    );
  });

  it('retries a 503 and returns the answer that follows', async () => {
    let calls = 0;
    server.embedWith((input) =>
      ++calls === 1
        ? { type: 'http-error', status: 503, message: 'Loading model' }
        : wordOverlapEmbedder()(input),
    );
    const [vector] = await model().embed(['ready']);
    expectUnitVersionOf(vector, wordOverlapVector('ready'));
    expect(server.embeddingRequests).toHaveLength(2);
    expect(sleeps).toEqual([375]);
  });

  it('reports a server that is down, after retrying', async () => {
    await server.close();
    const error = await modelCallError(model().embed(['a']));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      `No model server is reachable at ${server.baseUrl} (connection refused). Start llama.cpp ` +
        'server, LM Studio or Ollama, or pass --base-url. Tried 3 times.',
    );
    expect(sleeps).toHaveLength(2);
  });

  it('gives up on a silent server after the idle timeout, without retrying', async () => {
    server.embedWith(() => ({ type: 'hang' }));
    const error = await modelCallError(model({ idleTimeoutMs: 50 }).embed(['a']));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/sent nothing for 50 ms/);
    expect(server.embeddingRequests).toHaveLength(1);
  });

  it('stops when the signal aborts', async () => {
    server.embedWith(() => ({ type: 'hang' }));
    const controller = new AbortController();
    const pending = model().embed(['a'], { signal: controller.signal });
    await expect.poll(() => server.embeddingRequests.length).toBe(1);
    controller.abort();
    expect((await modelCallError(pending)).kind).toBe('cancelled');
  });

  it('goes through the injected fetch, so offline mode refuses another machine', async () => {
    const offline = createGuardedFetch({ offline: true });
    const remote = model({ baseUrl: 'http://192.0.2.10:8080/v1', fetch: offline });
    await expect(remote.embed(['a'])).rejects.toBeInstanceOf(OfflineError);
    expect(sleeps).toEqual([]);
    const local = model({ fetch: offline });
    expect(await local.embed(['a'])).toHaveLength(1);
  });
});
