/**
 * A model that turns text into vectors, for semantic search over the code index (issue 5). It is
 * optional: Outpost is fully useful without one, and uses one only when the user configured it.
 * Vectors from different models (or different `modelId`s) are not comparable.
 */
export interface EmbeddingModel {
  /** Adapter name, e.g. `embedded`, `ollama`, `openai-compatible`. */
  readonly provider: string;
  /** The model's name as the runtime knows it (a GGUF file's name, a server's model name). */
  readonly modelId: string;
  /**
   * One vector per text, in the same order, each scaled to length 1 (so a dot product is the
   * cosine similarity), all with `dimensions()` entries. A text longer than the model can read is
   * cut, not refused. Rejects with an error whose message a user can act on (model missing,
   * server down, a vector of the wrong size); aborting `signal` rejects with a cancellation.
   */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
  /** The length of every vector this model returns. */
  dimensions(): Promise<number>;
  /** Frees what the adapter holds (an in-process model and its context); safe to call twice. */
  dispose?(): Promise<void>;
}
