import type { EmbeddingModel } from '@outpost/protocol';

/** The length of the fake vectors unless a test asks for another. */
export const fakeEmbeddingDimensions = 128;

/**
 * A deterministic vector that reflects word overlap, so retrieval tests mean something without a
 * model: each word (identifiers split at case changes and digits, lower-cased) is hashed to one of
 * `dimensions` slots with a hashed sign (signed feature hashing, so collisions cancel rather than
 * add up), counted, and the whole scaled to length 1. Texts sharing words have a high cosine,
 * texts sharing none a cosine near 0. A text without words gets the first unit vector.
 */
export function wordOverlapVector(
  text: string,
  dimensions: number = fakeEmbeddingDimensions,
): number[] {
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new RangeError(`dimensions must be a positive integer, got ${dimensions}.`);
  }
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of fakeEmbeddingWords(text)) {
    const hash = fnv1a(word);
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x8000_0000 ? -1 : 1);
  }
  const length = Math.hypot(...vector);
  if (length === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / length);
}

/** The words `wordOverlapVector` counts: `parseHttpResponse(x2)` → parse, http, response, x, 2. */
export function fakeEmbeddingWords(text: string): string[] {
  const spaced = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/(\d)([A-Za-z])/g, '$1 $2');
  return spaced.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** What a fake server's embedding route received. */
export interface FakeEmbeddingInput {
  model: string;
  texts: string[];
}

/** How a scripted embedding request fails instead of answering. */
export type FakeEmbeddingFailure =
  | { type: 'http-error'; status: number; message: string }
  /** Accepts the request and never answers, until the client aborts or the fake is closed. */
  | { type: 'hang' };

/**
 * Replaces a fake server's default embeddings (`wordOverlapVector` of each text): return the
 * vectors to send (any count, any length, so a client's checks can be tested), or a failure.
 */
export type FakeEmbedder = (input: FakeEmbeddingInput) => number[][] | FakeEmbeddingFailure;

/** The texts of an embedding request's `input` (a string or an array of strings), else undefined. */
export function embeddingInputTexts(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) {
    return input;
  }
  return undefined;
}

/** The default embedder of the fake servers: one `wordOverlapVector` per text. */
export function wordOverlapEmbedder(dimensions: number = fakeEmbeddingDimensions): FakeEmbedder {
  return ({ texts }) => texts.map((text) => wordOverlapVector(text, dimensions));
}

export interface FakeEmbeddingModelOptions {
  /** Default `fake-embedding`. */
  modelId?: string;
  /** Default `fake`. */
  provider?: string;
  /** Default `fakeEmbeddingDimensions` (128). */
  dimensions?: number;
}

/**
 * An `EmbeddingModel` in memory, with `wordOverlapVector` as its model, recording every call.
 * Rejects when the call's signal is already aborted, like a real adapter.
 */
export class FakeEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly modelId: string;
  /** The texts of every `embed` call, in order. */
  readonly calls: string[][] = [];
  readonly #dimensions: number;

  constructor(options: FakeEmbeddingModelOptions = {}) {
    this.provider = options.provider ?? 'fake';
    this.modelId = options.modelId ?? 'fake-embedding';
    this.#dimensions = options.dimensions ?? fakeEmbeddingDimensions;
  }

  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]> {
    if (options?.signal?.aborted) {
      return Promise.reject(new Error('The embedding call was cancelled.'));
    }
    this.calls.push([...texts]);
    return Promise.resolve(
      texts.map((text) => Float32Array.from(wordOverlapVector(text, this.#dimensions))),
    );
  }

  dimensions(): Promise<number> {
    return Promise.resolve(this.#dimensions);
  }
}
