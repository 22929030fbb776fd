import type { EmbeddingModel } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from '../../tool/__fixtures__/temporary-project.js';
import { openTestIndex } from './__fixtures__/open-test-index.js';

/** Words that mean the same thing share a dimension: a model that knows synonyms, in miniature. */
const concepts = [
  ['payment', 'invoice', 'price', 'charge', 'billing', 'amount', 'total'],
  ['network', 'socket', 'connection', 'packet', 'timeout'],
  ['colour', 'color', 'paint', 'render', 'pixel'],
];

class ConceptEmbeddings implements EmbeddingModel {
  readonly provider = 'test';
  readonly modelId = 'concepts';
  calls = 0;
  constructor(private readonly failWith?: string) {}
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls += 1;
    if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
    return Promise.resolve(
      texts.map((text) => {
        const vector = new Float32Array(concepts.length + 1);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          const concept = concepts.findIndex((group) => group.includes(word));
          const slot = concept === -1 ? concepts.length : concept;
          vector[slot] = (vector[slot] ?? 0) + 1;
        }
        const length = Math.hypot(...vector) || 1;
        return vector.map((value) => value / length);
      }),
    );
  }
  dimensions(): Promise<number> {
    return Promise.resolve(concepts.length + 1);
  }
}

const files = {
  'billing/ledger.py':
    'def add_line(invoice, price):\n    invoice.total += price\n    return invoice\n',
  'net/client.py':
    'def open_socket(host):\n    connection = connect(host, timeout=5)\n    return connection\n',
  'ui/canvas.py': 'def paint(pixel, colour):\n    pixel.colour = colour\n',
};

describe('the semantic signal', () => {
  it('embeds chunks during builds and ranks a file by meaning when no word matches', async () => {
    const project = await createTemporaryProject(files, { git: true });
    const model = new ConceptEmbeddings();
    const { index } = await openTestIndex(project.root, { embeddings: model });
    const built = await index.build();
    expect(built.embedding).toEqual({ model: 'concepts', embedded: 3, vectors: 3 });
    const again = await index.build();
    expect(again.embedding).toEqual({ model: 'concepts', embedded: 0, vectors: 3 });

    const query = 'customers see a doubled charge amount';
    expect(index.rankFiles(query).map((file) => file.path)).not.toContain('billing/ledger.py');
    const semantic = await index.semanticScores(query);
    expect([...(semantic?.keys() ?? [])][0]).toBe('billing/ledger.py');
    const ranked = index.rankFiles(query, { semantic });
    expect(ranked[0]).toMatchObject({ path: 'billing/ledger.py', signals: { semantic: 1 } });
    expect(index.rankFiles(query, { semantic, without: ['semantic'] })[0]?.path).not.toBe(
      'billing/ledger.py',
    );
  });

  it('is absent without an embedding model, and a failing model does not fail the build', async () => {
    const project = await createTemporaryProject(files, { git: true });
    const plain = (await openTestIndex(project.root)).index;
    const result = await plain.build();
    expect(result.embedding).toBeUndefined();
    expect(await plain.semanticScores('payment')).toBeUndefined();

    const broken = new ConceptEmbeddings('connect ECONNREFUSED 127.0.0.1:11434');
    const { index } = await openTestIndex(project.root, { embeddings: broken });
    const built = await index.build();
    expect(built).toMatchObject({
      files: 3,
      embedding: { model: 'concepts', error: 'connect ECONNREFUSED 127.0.0.1:11434' },
    });
    expect(index.search('invoice')[0]?.path).toBe('billing/ledger.py');
    expect(await index.semanticScores('payment')).toBeUndefined();
  });
});
