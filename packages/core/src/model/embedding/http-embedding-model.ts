import type { EmbeddingModel } from '@outpost/protocol';
import { ModelCallError } from '../../errors/model-call-error.js';
import { cancelledError } from '../model-server-errors.js';
import { checkedUnitVectors, inBatches } from './embedding-vectors.js';

/** What the HTTP adapters share: everything but the request and answer of one batch. */
export interface HttpEmbeddingModelSettings {
  provider: string;
  /** The model name the server knows. */
  modelId: string;
  /** The server as named in messages, e.g. `Ollama at http://127.0.0.1:11434`. */
  where: string;
  /** Texts per request. */
  batchSize: number;
  /** One request: the server's vectors for `texts`, in order, as sent (not yet checked). */
  embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<number[][]>;
}

/** The first text embedded when `dimensions()` is asked before any vector was seen. */
const probeText = 'dimensions';

/**
 * An `EmbeddingModel` over a server: sends `batchSize` texts per request, checks each answer
 * (one vector per text, every vector as long as the first one ever seen, none all zeros) and
 * scales the vectors to length 1 (servers differ in whether they do). A vector of another length
 * than before means the model changed under its name, and is refused rather than mixed in.
 */
export function createHttpEmbeddingModel(settings: HttpEmbeddingModelSettings): EmbeddingModel {
  const { modelId, where } = settings;
  let dimensions: number | undefined;
  let probe: Promise<number> | undefined;

  const embed = async (
    texts: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Float32Array[]> => {
    const { signal } = options;
    const vectors: Float32Array[] = [];
    for (const batch of inBatches(texts, settings.batchSize)) {
      if (signal?.aborted === true) throw new ModelCallError(cancelledError());
      const answer = await settings.embedBatch(batch, signal);
      const checked = checkedUnitVectors({
        where,
        model: modelId,
        sent: batch.length,
        vectors: answer,
        dimensions,
      });
      dimensions ??= checked[0]?.length;
      vectors.push(...checked);
    }
    return vectors;
  };

  return {
    provider: settings.provider,
    modelId,
    embed,
    dimensions() {
      if (dimensions !== undefined) return Promise.resolve(dimensions);
      probe ??= embed([probeText]).then(
        (vectors) => vectors[0]?.length ?? 0,
        (error: unknown) => {
          // Asked again next time: the server may not have been up yet.
          probe = undefined;
          throw error;
        },
      );
      return probe;
    },
  };
}
