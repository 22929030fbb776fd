import { describe, expect, it } from 'vitest';
import { FakeEmbeddingModel, fakeEmbeddingWords, wordOverlapVector } from './fake-embeddings.js';

function cosine(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

describe('wordOverlapVector', () => {
  it('splits identifiers into words the way code is written', () => {
    expect(fakeEmbeddingWords('parseHTTPResponse(buffer2d) snake_case')).toEqual([
      'parse',
      'http',
      'response',
      'buffer',
      '2',
      'd',
      'snake',
      'case',
    ]);
  });

  it('is deterministic, of the asked length, and of length 1', () => {
    const vector = wordOverlapVector('read the config file', 32);
    expect(vector).toHaveLength(32);
    expect(wordOverlapVector('read the config file', 32)).toEqual(vector);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    expect(Math.hypot(...wordOverlapVector(''))).toBeCloseTo(1, 10);
  });

  it('scores texts sharing words above texts sharing none', () => {
    const query = wordOverlapVector('parse the http response');
    const related = wordOverlapVector('function parseHttpResponse(response) {}');
    const unrelated = wordOverlapVector('bake a chocolate cake slowly');
    expect(cosine(query, related)).toBeGreaterThan(0.5);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.4);
    expect(cosine(query, wordOverlapVector('Parse the HTTP response'))).toBeCloseTo(1, 10);
  });

  it('refuses a length that is not a positive integer', () => {
    expect(() => wordOverlapVector('x', 0)).toThrow(/positive integer/);
  });
});

describe('FakeEmbeddingModel', () => {
  it('returns Float32 word-overlap vectors in order and records each call', async () => {
    const model = new FakeEmbeddingModel({ dimensions: 16, modelId: 'words' });
    const vectors = await model.embed(['alpha beta', 'gamma']);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      Array.from(Float32Array.from(wordOverlapVector('alpha beta', 16))),
      Array.from(Float32Array.from(wordOverlapVector('gamma', 16))),
    ]);
    expect(await model.dimensions()).toBe(16);
    expect(model.modelId).toBe('words');
    expect(model.calls).toEqual([['alpha beta', 'gamma']]);
  });

  it('rejects a call whose signal is already aborted, recording nothing', async () => {
    const model = new FakeEmbeddingModel();
    await expect(model.embed(['x'], { signal: AbortSignal.abort() })).rejects.toThrow(/cancelled/);
    expect(model.calls).toEqual([]);
  });
});
