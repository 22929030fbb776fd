import { join } from 'node:path';
import type { EmbeddingModel } from '@outpost/protocol';
import { FakeEmbeddingModel, wordOverlapVector } from '@outpost/test-kit';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTemporaryDirectory } from '../../tool/__fixtures__/temporary-project.js';
import {
  chunkEmbeddingInput,
  type ChunkVectorDatabase,
  embedChunks,
  type EmbedChunksProgress,
  semanticFileScores,
} from './chunk-vectors.js';

let db: ChunkVectorDatabase;

beforeEach(async () => {
  const directory = await createTemporaryDirectory('outpost-chunk-vectors-');
  db = new Database(join(directory, 'index.db'));
  // The index's chunks table (code-index/store/index-database.ts), as the vectors see it.
  db.exec(`CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    text TEXT NOT NULL,
    symbols TEXT NOT NULL
  )`);
});

afterEach(() => {
  db.close();
});

function addChunk(path: string, text: string, startLine = 1): number {
  const lines = text.split('\n').length;
  const result = db
    .prepare(
      'INSERT INTO chunks (path, start_line, end_line, text, symbols) VALUES (?, ?, ?, ?, ?)',
    )
    .run(path, startLine, startLine + lines - 1, text, '[]');
  return Number(result.lastInsertRowid);
}

function storedVectors(): { chunkId: number; model: string; length: number }[] {
  return (
    db.prepare('SELECT chunk_id, model, vector FROM chunk_vectors ORDER BY chunk_id').all() as {
      chunk_id: number;
      model: string;
      vector: Buffer;
    }[]
  ).map((row) => ({ chunkId: row.chunk_id, model: row.model, length: row.vector.byteLength / 4 }));
}

/** A small project: HTTP parsing, file reading, a cake recipe and a test. */
function addProject(): void {
  addChunk('src/http/response.ts', 'export function parseHttpResponse(text) { return headers }');
  addChunk('src/http/response.ts', 'function readStatusLine(line) { return status code }', 10);
  addChunk('src/files/read-file.ts', 'export async function readFile(path) { open the file }');
  addChunk('docs/recipe.md', 'Bake the chocolate cake for forty minutes');
  addChunk('docs/recipe.md', 'Whisk eggs and sugar until pale', 5);
}

describe('embedChunks', () => {
  it('embeds every chunk once, its path before its capped text, reporting progress', async () => {
    addProject();
    const long = addChunk('src/long.ts', 'word '.repeat(1000));
    const model = new FakeEmbeddingModel({ dimensions: 32 });
    const progress: EmbedChunksProgress[] = [];
    const result = await embedChunks(db, model, {
      batchSize: 4,
      maxCharacters: 100,
      onProgress: (step) => progress.push(step),
    });
    expect(result).toEqual({ embedded: 6, removed: 0, vectors: 6 });
    expect(progress).toEqual([
      { done: 0, total: 6 },
      { done: 4, total: 6 },
      { done: 6, total: 6 },
    ]);
    expect(model.calls.map((call) => call.length)).toEqual([4, 2]);
    expect(model.calls[0]?.[0]).toBe(
      'src/http/response.ts\nexport function parseHttpResponse(text) { return headers }',
    );
    expect(model.calls[1]?.[1]).toBe(`src/long.ts\n${'word '.repeat(20)}`);
    expect(storedVectors()).toHaveLength(6);
    expect(
      storedVectors().every((row) => row.length === 32 && row.model === 'fake:fake-embedding'),
    ).toBe(true);
    expect(storedVectors().at(-1)?.chunkId).toBe(long);

    const again = await embedChunks(db, model, { batchSize: 4, maxCharacters: 100 });
    expect(again).toEqual({ embedded: 0, removed: 0, vectors: 6 });
    expect(model.calls).toHaveLength(2);
  });

  it('stores the vector the model returned, as 32-bit floats', async () => {
    const id = addChunk('a.ts', 'alpha beta');
    await embedChunks(db, new FakeEmbeddingModel({ dimensions: 16 }));
    const blob = db
      .prepare('SELECT vector FROM chunk_vectors WHERE chunk_id = ?')
      .pluck()
      .get(id) as Buffer;
    const stored = Array.from(new Float32Array(new Uint8Array(blob).buffer));
    expect(stored).toEqual(
      Array.from(Float32Array.from(wordOverlapVector('a.ts\nalpha beta', 16))),
    );
  });

  it('embeds new and changed chunks again and drops vectors of deleted ones', async () => {
    const kept = addChunk('a.ts', 'kept text');
    const changed = addChunk('b.ts', 'old text');
    const deleted = addChunk('c.ts', 'deleted text');
    const model = new FakeEmbeddingModel();
    await embedChunks(db, model);
    db.prepare('UPDATE chunks SET text = ? WHERE id = ?').run('new text', changed);
    db.prepare('DELETE FROM chunks WHERE id = ?').run(deleted);
    const added = addChunk('d.ts', 'added text');
    // A re-indexed file can get a deleted chunk's id back, with other text.
    expect(added).toBe(deleted);

    const result = await embedChunks(db, model);
    expect(result).toEqual({ embedded: 2, removed: 0, vectors: 3 });
    expect(model.calls.at(-1)).toEqual(['b.ts\nnew text', 'd.ts\nadded text']);
    expect(storedVectors().map((row) => row.chunkId)).toEqual([kept, changed, added]);

    db.prepare('DELETE FROM chunks WHERE id = ?').run(kept);
    expect(await embedChunks(db, model)).toEqual({ embedded: 0, removed: 1, vectors: 2 });
  });

  it('replaces the vectors of another model, and embeds again when the prefix changes', async () => {
    addChunk('a.ts', 'one');
    addChunk('b.ts', 'two');
    await embedChunks(db, new FakeEmbeddingModel({ modelId: 'first', dimensions: 8 }));
    const second = new FakeEmbeddingModel({ modelId: 'second', dimensions: 8 });
    expect(await embedChunks(db, second)).toEqual({ embedded: 2, removed: 2, vectors: 2 });
    expect(storedVectors().map((row) => row.model)).toEqual(['fake:second', 'fake:second']);
    const prefixed = await embedChunks(db, second, { documentPrefix: 'search_document: ' });
    expect(prefixed.embedded).toBe(2);
    expect(second.calls.at(-1)).toEqual([
      'search_document: a.ts\none',
      'search_document: b.ts\ntwo',
    ]);
  });

  it('keeps the batches committed before an abort, and the next run does the rest', async () => {
    for (let index = 0; index < 10; index++) addChunk(`f${index}.ts`, `chunk ${index}`);
    const controller = new AbortController();
    const inner = new FakeEmbeddingModel();
    const stopping: EmbeddingModel = {
      provider: inner.provider,
      modelId: inner.modelId,
      dimensions: () => inner.dimensions(),
      async embed(texts, options) {
        const vectors = await inner.embed(texts, options);
        if (inner.calls.length === 2) controller.abort(new Error('Stopped by the user.'));
        return vectors;
      },
    };
    await expect(
      embedChunks(db, stopping, { batchSize: 3, signal: controller.signal }),
    ).rejects.toThrow('Stopped by the user.');
    // The second batch was embedded before the abort was seen, so it was committed too.
    expect(storedVectors()).toHaveLength(6);

    const rest = await embedChunks(db, inner, { batchSize: 3 });
    expect(rest).toEqual({ embedded: 4, removed: 0, vectors: 10 });
    expect(inner.calls.at(-2)).toEqual(['f6.ts\nchunk 6', 'f7.ts\nchunk 7', 'f8.ts\nchunk 8']);
  });

  it('stops before embedding anything when aborted already, and passes model errors on', async () => {
    addChunk('a.ts', 'text');
    const model = new FakeEmbeddingModel();
    await expect(
      embedChunks(db, model, { signal: AbortSignal.abort(new Error('no')) }),
    ).rejects.toThrow('no');
    expect(model.calls).toEqual([]);
    const failing: EmbeddingModel = {
      ...model,
      provider: 'fake',
      modelId: 'failing',
      dimensions: () => Promise.resolve(4),
      embed: () => Promise.reject(new Error('Ollama is not reachable.')),
    };
    await expect(embedChunks(db, failing)).rejects.toThrow('Ollama is not reachable.');
    const wrongSize: EmbeddingModel = {
      ...failing,
      embed: (texts) => Promise.resolve(texts.map(() => new Float32Array(3))),
    };
    await expect(embedChunks(db, wrongSize)).rejects.toThrow(
      'The embedding model fake:failing returned 1 vectors for 1 texts, one of 3 numbers where it said 4.',
    );
    expect(storedVectors()).toEqual([]);
  });
});

describe('semanticFileScores', () => {
  it('ranks files by their best chunk, best first, up to the limit', async () => {
    addProject();
    const model = new FakeEmbeddingModel();
    await embedChunks(db, model);
    const scores = await semanticFileScores(db, model, 'parse the http response headers', {
      limit: 2,
    });
    expect(scores.map((score) => score.path)).toEqual([
      'src/http/response.ts',
      expect.not.stringMatching(/response/) as unknown,
    ]);
    expect(scores[0]).toMatchObject({ startLine: 1, endLine: 1 });
    expect(scores[0]?.score).toBeGreaterThan(0.4);
    expect(scores[0]?.score).toBeGreaterThan((scores[1]?.score ?? 1) + 0.2);

    const cake = await semanticFileScores(db, model, 'how long to bake the cake', { limit: 5 });
    expect(cake[0]).toMatchObject({ path: 'docs/recipe.md', startLine: 1 });
    expect(cake).toHaveLength(3);
    expect(model.calls.slice(-2)).toEqual([
      ['parse the http response headers'],
      ['how long to bake the cake'],
    ]);
  });

  it('scores a file by its closest chunk, whatever its other chunks are about', async () => {
    addChunk('big.ts', 'unrelated words about gardens');
    addChunk('big.ts', 'more unrelated words about boats', 20);
    addChunk('big.ts', 'tokenize the source text into identifier words', 40);
    addChunk('small.ts', 'tokenize strings');
    const model = new FakeEmbeddingModel();
    await embedChunks(db, model);
    const [best] = await semanticFileScores(db, model, 'tokenize source text into words', {
      limit: 1,
    });
    expect(best).toMatchObject({ path: 'big.ts', startLine: 40 });
  });

  it('ignores vectors of deleted chunks and answers nothing without vectors of this model', async () => {
    const gone = addChunk('gone.ts', 'parse http');
    addChunk('kept.ts', 'bake cake');
    const model = new FakeEmbeddingModel();
    expect(await semanticFileScores(db, model, 'parse http', { limit: 5 })).toEqual([]);
    expect(model.calls).toEqual([]);
    // A search writes nothing, not even the table.
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    expect(tables).toEqual(['chunks']);

    await embedChunks(db, model);
    db.prepare('DELETE FROM chunks WHERE id = ?').run(gone);
    const scores = await semanticFileScores(db, model, 'parse http', { limit: 5 });
    expect(scores.map((score) => score.path)).toEqual(['kept.ts']);

    const other = new FakeEmbeddingModel({ modelId: 'other' });
    expect(await semanticFileScores(db, other, 'parse http', { limit: 5 })).toEqual([]);
    expect(other.calls).toEqual([]);
    expect(await semanticFileScores(db, model, '  ', { limit: 5 })).toEqual([]);
  });

  it('puts the query prefix before the query', async () => {
    addChunk('a.ts', 'alpha');
    const model = new FakeEmbeddingModel();
    await embedChunks(db, model);
    await semanticFileScores(db, model, 'alpha', { limit: 1, queryPrefix: 'search_query: ' });
    expect(model.calls.at(-1)).toEqual(['search_query: alpha']);
  });
});

describe('chunkEmbeddingInput', () => {
  it('cuts the text without splitting a character made of two UTF-16 units', () => {
    expect(chunkEmbeddingInput('a.md', 'ab😀cd', 3)).toBe('a.md\nab');
    expect(chunkEmbeddingInput('a.md', 'ab😀cd', 4)).toBe('a.md\nab😀');
    expect(chunkEmbeddingInput('a.md', 'short', 100, 'p: ')).toBe('p: a.md\nshort');
  });
});
