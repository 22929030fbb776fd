import { join } from 'node:path';
import { fixtureModelPath } from '@outpost/test-kit';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { createEmbeddedEmbeddingModel } from '../../model/embedding/embedded-embedding-model.js';
import { createTemporaryDirectory } from '../../tool/__fixtures__/temporary-project.js';
import { embedChunks, semanticFileScores } from './chunk-vectors.js';

describe('chunk vectors with the real embedded runtime', () => {
  it('embeds chunks with a GGUF model and finds a chunk by its own text', async () => {
    const directory = await createTemporaryDirectory('outpost-chunk-vectors-gguf-');
    const db = new Database(join(directory, 'index.db'));
    const model = createEmbeddedEmbeddingModel({ modelPath: fixtureModelPath(), threads: 1 });
    try {
      db.exec(`CREATE TABLE chunks (id INTEGER PRIMARY KEY, path TEXT NOT NULL,
        start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, text TEXT NOT NULL,
        symbols TEXT NOT NULL)`);
      const insert = db.prepare(
        'INSERT INTO chunks (path, start_line, end_line, text, symbols) VALUES (?, 1, 1, ?, ?)',
      );
      insert.run('story/cat.txt', 'The cat sat on the warm mat and purred.', '[]');
      insert.run('story/ship.txt', 'A big ship sailed across the blue sea.', '[]');
      insert.run('story/cake.txt', 'Mom baked a sweet cake for the party.', '[]');

      const result = await embedChunks(db, model);
      expect(result).toEqual({ embedded: 3, removed: 0, vectors: 3 });
      const lengths = db
        .prepare('SELECT length(vector) FROM chunk_vectors WHERE model = ?')
        .pluck()
        .all('embedded:stories260K');
      expect(lengths).toEqual([256, 256, 256]);

      // The exact text embedded for a chunk is its own nearest neighbour (cosine 1).
      const scores = await semanticFileScores(
        db,
        model,
        'story/ship.txt\nA big ship sailed across the blue sea.',
        { limit: 3 },
      );
      expect(scores.map((score) => score.path)[0]).toBe('story/ship.txt');
      expect(scores[0]?.score).toBeCloseTo(1, 5);
      expect(scores).toHaveLength(3);
      expect(scores[1]?.score).toBeLessThan(0.9999);
    } finally {
      await model.dispose?.();
      db.close();
    }
  });
});
