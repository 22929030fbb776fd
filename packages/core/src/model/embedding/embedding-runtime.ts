import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { type LoadResult, loadLlamaModel } from '../embedded/load-llama-model.js';
import type { EmbeddedLogLevel } from '../embedded/shared-llama.js';

/**
 * The default context size cap for embedding: texts to embed are chunks of code and short
 * queries, and a longer context costs memory for nothing (longer texts are cut to fit).
 */
export const defaultMaxEmbeddingContextSize = 2048;

export interface EmbeddingRuntimeSettings {
  modelPath: string;
  /** Exact context size; when undefined, the training size capped at 2,048. */
  contextSize?: number;
  gpu: 'auto' | false;
  /** When undefined, `defaultThreads(llama.cpuMathCores)`. */
  threads?: number;
  logLevel: EmbeddedLogLevel;
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/** A loaded embedding model: one embedding context whose batch holds a whole context. */
export interface EmbeddingRuntime {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
  contextSize: number;
  threads: number;
  /** Frees the context and the model and lets go of the shared binding; safe to call twice. */
  dispose(): Promise<void>;
}

export type EmbeddingRuntimeLoadResult = LoadResult<EmbeddingRuntime>;

/**
 * Loads node-llama-cpp (lazily, `build: 'never'` through the process's shared binding: never
 * compiles, never downloads), the model and an embedding context. Never rejects: a failure is
 * returned with a message a user can act on, and whatever was loaded is freed. The batch is the
 * whole context, since an embedding model that reads both ways (BERT-like) must see a text in one
 * batch.
 */
export function loadEmbeddingRuntime(
  settings: EmbeddingRuntimeSettings,
): Promise<EmbeddingRuntimeLoadResult> {
  return loadLlamaModel(
    settings,
    {
      alternative: 'embed with a model server (llama.cpp server, Ollama, LM Studio)',
      contextStage: 'create an embedding context for',
    },
    async ({ model, threads, keep, release }) => {
      const trained = model.trainContextSize > 0 ? model.trainContextSize : Infinity;
      const contextSize = settings.contextSize ?? Math.min(trained, defaultMaxEmbeddingContextSize);
      const context = await model.createEmbeddingContext({
        contextSize,
        batchSize: contextSize,
        threads,
      });
      keep(context);
      return { model, context, contextSize, threads, dispose: release };
    },
  );
}
