import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddingModel } from '@outpost/protocol';
import { fixtureModelPath } from '@outpost/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCallError } from '../../errors/model-call-error.js';
import { createEmbeddedEmbeddingModel } from './embedded-embedding-model.js';

/** A 260K-parameter TinyStories GGUF (see ../shared/fixtures/models/README.md). */
const modelPath = fixtureModelPath();

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

function length(vector: Float32Array): number {
  return Math.sqrt(dot(vector, vector));
}

describe('createEmbeddedEmbeddingModel on a real GGUF', () => {
  let model: EmbeddingModel;
  beforeAll(() => {
    model = createEmbeddedEmbeddingModel({ modelPath, threads: 1 });
  });
  afterAll(() => model.dispose?.());

  it("gives one unit vector per text, of the model's dimension, in order", async () => {
    expect(model.provider).toBe('embedded');
    expect(model.modelId).toBe('stories260K');
    const dimensions = await model.dimensions();
    expect(dimensions).toBe(64);
    const texts = ['Once upon a time there was a cat.', 'The girl had a red ball.', 'Tom ran.'];
    const vectors = await model.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(dimensions);
      expect(length(vector)).toBeCloseTo(1, 5);
    }
    // In order: each text alone gives the vector it got in the batch.
    const [alone] = await model.embed([texts[2] ?? '']);
    expect(Array.from(alone ?? [])).toEqual(Array.from(vectors[2] ?? []));
  });

  it('gives identical text identical vectors and different texts different ones', async () => {
    const [first, second, other] = await model.embed([
      'Lily found a shiny stone in the garden.',
      'Lily found a shiny stone in the garden.',
      'The big dog barked at the moon all night.',
    ]);
    if (first === undefined || second === undefined || other === undefined)
      throw new Error('missing');
    expect(Array.from(second)).toEqual(Array.from(first));
    expect(dot(first, other)).toBeLessThan(0.9999);
    expect(Array.from(other)).not.toEqual(Array.from(first));
  });

  it('cuts a text longer than the context by tokens instead of failing', async () => {
    const small = createEmbeddedEmbeddingModel({ modelPath, threads: 1, contextSize: 64 });
    try {
      const start = 'The little bird sang a happy song in the tall tree. '.repeat(20);
      const [cut, cutOtherEnding, short] = await small.embed([
        `${start}The end.`,
        `${start}A dragon came and the story went on for a long time.`,
        'The little bird sang.',
      ]);
      expect(cut).toHaveLength(64);
      expect(length(cut ?? new Float32Array())).toBeCloseTo(1, 5);
      // Both were cut within their shared start, so the model saw the same tokens.
      expect(Array.from(cutOtherEnding ?? [])).toEqual(Array.from(cut ?? []));
      expect(Array.from(short ?? [])).not.toEqual(Array.from(cut ?? []));
    } finally {
      await small.dispose?.();
    }
  });

  it('embeds an empty text and an empty list', async () => {
    const [vector] = await model.embed(['']);
    expect(length(vector ?? new Float32Array())).toBeCloseTo(1, 5);
    expect(await model.embed([])).toEqual([]);
  });

  it('rejects with a cancellation when the signal is aborted', async () => {
    const error: unknown = await model
      .embed(['a'], { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).kind).toBe('cancelled');
  });
});

describe('createEmbeddedEmbeddingModel when it cannot be used', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outpost-embedding-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('rejects with the file problem for a missing or non-GGUF file', async () => {
    const missing = createEmbeddedEmbeddingModel({ modelPath: join(directory, 'none.gguf') });
    await expect(missing.embed(['x'])).rejects.toThrow(
      /^The model file .*none\.gguf does not exist\.$/,
    );
    const notes = join(directory, 'notes.gguf');
    await writeFile(notes, 'not weights');
    const notGguf = createEmbeddedEmbeddingModel({ modelPath: notes, threads: 1 });
    await expect(notGguf.dimensions()).rejects.toThrow(/is not a GGUF model/);
  });

  it('refuses calls after dispose, and disposing twice is safe', async () => {
    const model = createEmbeddedEmbeddingModel({ modelPath, threads: 1 });
    expect(await model.embed(['one'])).toHaveLength(1);
    await Promise.all([model.dispose?.(), model.dispose?.()]);
    await expect(model.embed(['two'])).rejects.toThrow(/disposed/);
  });
});
