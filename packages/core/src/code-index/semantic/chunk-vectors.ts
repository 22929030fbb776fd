import { createHash } from 'node:crypto';
import type { EmbeddingModel } from '@outpost/protocol';
import type Database from 'better-sqlite3-multiple-ciphers';

/*
 * The optional semantic signal of the code index (issue 5): one vector per chunk, made by the
 * configured `EmbeddingModel`, kept beside the chunks in the index database. Everything else in
 * the index works without it.
 *
 * `chunk_vectors` is created on first use. Besides the vector it keeps the model it came from and
 * a hash of the exact text embedded: chunk ids are SQLite rowids, which a re-indexed file can get
 * back for other text, so the hash (not the id) says whether a vector is still the chunk's.
 */

/** The index database (`code-index/store/index-database.ts`), which holds the `chunks` table. */
export type ChunkVectorDatabase = Database.Database;

/** Characters of a chunk's text that are embedded; about 400–500 tokens of code. */
export const DEFAULT_MAX_CHUNK_CHARACTERS = 1500;

/** Texts per `embed` call, and chunks per committed transaction. */
export const DEFAULT_EMBED_BATCH_SIZE = 32;

export interface EmbedChunksProgress {
  /** Chunks embedded so far in this run. */
  done: number;
  /** Chunks this run has to embed. */
  total: number;
}

export interface EmbedChunksOptions {
  /** Called before the first batch and after each committed one. */
  onProgress?: (progress: EmbedChunksProgress) => void;
  /** Stops between batches (and inside a model call); what was committed stays. */
  signal?: AbortSignal;
  /** Default 32. */
  batchSize?: number;
  /** The start of each chunk's text that is embedded; default 1,500 characters. */
  maxCharacters?: number;
  /**
   * Put before every chunk, for models trained with one (nomic-embed-text: `search_document: `).
   * Changing it embeds every chunk again.
   */
  documentPrefix?: string;
}

/** What one `embedChunks` run did. */
export interface EmbedChunksResult {
  /** Chunks embedded (new, changed, or embedded by another model before). */
  embedded: number;
  /** Vectors deleted: their chunk is gone, or another model (or size) made them. */
  removed: number;
  /** Chunks with a vector of this model after the run. */
  vectors: number;
}

export interface SemanticFileScoresOptions {
  /** The most files returned. */
  limit: number;
  signal?: AbortSignal;
  /** Put before the query, for models trained with one (nomic-embed-text: `search_query: `). */
  queryPrefix?: string;
}

/** A file and how close its closest chunk is to the query. */
export interface SemanticFileScore {
  path: string;
  /** Cosine similarity of the query and the file's best chunk, in [-1, 1]. */
  score: number;
  /** Lines of that best chunk. */
  startLine: number;
  endLine: number;
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS chunk_vectors (
    chunk_id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    vector BLOB NOT NULL
  )
`;

/** Vectors made by `model` are compared only with each other. */
export function embeddingModelKey(model: Pick<EmbeddingModel, 'provider' | 'modelId'>): string {
  return `${model.provider}:${model.modelId}`;
}

/** What is embedded for a chunk: the path (a strong hint of what code is about), then its text. */
export function chunkEmbeddingInput(
  path: string,
  text: string,
  maxCharacters: number = DEFAULT_MAX_CHUNK_CHARACTERS,
  prefix = '',
): string {
  return `${prefix}${path}\n${cutAt(text, maxCharacters)}`;
}

/**
 * Brings the chunk vectors up to date with the chunks and `model`: deletes vectors whose chunk is
 * gone or that another model made, then embeds every chunk without a current vector (new text, or
 * none yet) in batches, each committed in its own transaction, so an abort (rejecting with the
 * signal's reason) keeps the batches done and the next run does the rest.
 *
 * Cost: finding the work reads and hashes every chunk's embedded text (40k chunks of ~1 KB, a
 * sympy-size index: 0.35 s on a busy 2-core machine when nothing changed); the embedding is the
 * real cost, one model evaluation per chunk (minutes to tens of minutes for a whole large
 * repository on a CPU, seconds after a few files changed).
 */
export async function embedChunks(
  db: ChunkVectorDatabase,
  model: EmbeddingModel,
  options: EmbedChunksOptions = {},
): Promise<EmbedChunksResult> {
  const { signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  const maxCharacters = options.maxCharacters ?? DEFAULT_MAX_CHUNK_CHARACTERS;
  const prefix = options.documentPrefix ?? '';
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`The batch size must be a positive integer, got ${batchSize}.`);
  }
  signal?.throwIfAborted();
  db.exec(CREATE_TABLE);
  const key = embeddingModelKey(model);
  const dimensions = await model.dimensions();
  signal?.throwIfAborted();

  const { changes: removed } = db
    .prepare(
      `DELETE FROM chunk_vectors
       WHERE model != ? OR length(vector) != ? OR chunk_id NOT IN (SELECT id FROM chunks)`,
    )
    .run(key, dimensions * Float32Array.BYTES_PER_ELEMENT);

  const pending: number[] = [];
  const current = db
    .prepare(
      `SELECT c.id, c.path, c.text, v.input_hash FROM chunks c
       LEFT JOIN chunk_vectors v ON v.chunk_id = c.id ORDER BY c.id`,
    )
    .raw()
    .iterate() as IterableIterator<[number, string, string, string | null]>;
  for (const [id, path, text, storedHash] of current) {
    if (storedHash !== hashOf(chunkEmbeddingInput(path, text, maxCharacters, prefix))) {
      pending.push(id);
    }
  }

  const report = options.onProgress ?? (() => undefined);
  report({ done: 0, total: pending.length });
  const store = db.prepare(
    `INSERT OR REPLACE INTO chunk_vectors (chunk_id, model, input_hash, vector)
     SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)`,
  );
  let embedded = 0;
  for (let start = 0; start < pending.length; start += batchSize) {
    signal?.throwIfAborted();
    const rows = readChunks(db, pending.slice(start, start + batchSize));
    const inputs = rows.map((row) =>
      chunkEmbeddingInput(row.path, row.text, maxCharacters, prefix),
    );
    let vectors: Float32Array[];
    try {
      vectors = await model.embed(inputs, signal === undefined ? {} : { signal });
    } catch (error) {
      // An aborted run ends the same way whichever await noticed the abort first.
      signal?.throwIfAborted();
      throw error;
    }
    checkVectors(model, vectors, inputs.length, dimensions);
    // A chunk deleted while its batch was embedded gets no vector (`WHERE EXISTS`).
    embedded += db.transaction(() =>
      rows.reduce((stored, row, index) => {
        const vector = vectors[index] ?? new Float32Array();
        const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
        return stored + store.run(row.id, key, hashOf(inputs[index] ?? ''), blob, row.id).changes;
      }, 0),
    )();
    report({ done: Math.min(start + batchSize, pending.length), total: pending.length });
  }
  const vectors = db
    .prepare('SELECT count(*) FROM chunk_vectors WHERE model = ?')
    .pluck()
    .get(key) as number;
  return { embedded, removed, vectors };
}

/**
 * The files closest in meaning to `query`, best first, each scored by its best chunk's cosine
 * similarity to the query. Only vectors of `model` whose chunk still exists count; with none (the
 * chunks were never embedded with this model) the answer is empty and the model is not called.
 *
 * Brute force: every vector of the model is read and multiplied with the query's. For a
 * sympy-size index (40k chunks) that is 60 MB (384 dimensions) to 120 MB (768) of vectors read
 * from SQLite and 15–30 million multiply-adds: measured 0.2–0.27 s per query on a busy 2-core
 * machine. An approximate-nearest-neighbour index would only pay off for far larger repositories;
 * keeping the vectors in memory between queries would save most of the reading.
 */
export async function semanticFileScores(
  db: ChunkVectorDatabase,
  model: EmbeddingModel,
  query: string,
  options: SemanticFileScoresOptions,
): Promise<SemanticFileScore[]> {
  if (query.trim() === '' || options.limit <= 0) return [];
  // Read only: an index that was never embedded has no table, and a search must not write.
  const table = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_vectors'`)
    .get();
  if (table === undefined) return [];
  const key = embeddingModelKey(model);
  const any = db.prepare('SELECT 1 FROM chunk_vectors WHERE model = ? LIMIT 1').get(key);
  if (any === undefined) return [];
  const input = `${options.queryPrefix ?? ''}${query}`;
  const [queryVector] = await model.embed(
    [input],
    options.signal === undefined ? {} : { signal: options.signal },
  );
  if (queryVector === undefined) {
    throw new Error(`The embedding model ${key} returned no vector for the query.`);
  }
  const best = new Map<string, SemanticFileScore>();
  const rows = db
    .prepare(
      `SELECT c.path, c.start_line, c.end_line, v.vector FROM chunk_vectors v
       JOIN chunks c ON c.id = v.chunk_id WHERE v.model = ?`,
    )
    .raw()
    .iterate(key) as IterableIterator<[string, number, number, Buffer]>;
  for (const [path, startLine, endLine, blob] of rows) {
    const vector = asFloat32(blob);
    // A vector of another size is stale (the model changed); the next `embedChunks` deletes it.
    if (vector.length !== queryVector.length) continue;
    const score = dot(queryVector, vector);
    const known = best.get(path);
    if (known === undefined || score > known.score)
      best.set(path, { path, score, startLine, endLine });
  }
  return [...best.values()]
    .sort((left, right) => right.score - left.score || left.path.localeCompare(right.path))
    .slice(0, options.limit);
}

function readChunks(
  db: ChunkVectorDatabase,
  ids: number[],
): { id: number; path: string; text: string }[] {
  const placeholders = ids.map(() => '?').join(', ');
  return db
    .prepare(`SELECT id, path, text FROM chunks WHERE id IN (${placeholders}) ORDER BY id`)
    .all(...ids) as { id: number; path: string; text: string }[];
}

function checkVectors(
  model: EmbeddingModel,
  vectors: Float32Array[],
  count: number,
  dimensions: number,
): void {
  const wrong = vectors.find((vector) => vector.length !== dimensions);
  if (vectors.length !== count || wrong !== undefined) {
    throw new Error(
      `The embedding model ${embeddingModelKey(model)} returned ${vectors.length} vectors ` +
        `for ${count} texts` +
        (wrong === undefined
          ? ''
          : `, one of ${wrong.length} numbers where it said ${dimensions}`) +
        '.',
    );
  }
}

function hashOf(input: string): string {
  return createHash('sha256').update(input).digest('base64url').slice(0, 22);
}

/** A BLOB as the Float32Array it was written from (copied when not 4-byte aligned). */
function asFloat32(blob: Buffer): Float32Array {
  const length = Math.floor(blob.byteLength / Float32Array.BYTES_PER_ELEMENT);
  if (blob.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0) {
    return new Float32Array(blob.buffer, blob.byteOffset, length);
  }
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + length * 4));
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) {
    sum += (left[index] as number) * (right[index] as number);
  }
  return sum;
}

/** The first `maxCharacters` of `text`, never splitting a surrogate pair. */
function cutAt(text: string, maxCharacters: number): string {
  if (text.length <= maxCharacters) return text;
  const code = text.charCodeAt(maxCharacters - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? maxCharacters - 1 : maxCharacters;
  return text.slice(0, end);
}
