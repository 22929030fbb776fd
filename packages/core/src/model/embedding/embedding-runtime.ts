import type { ModelErrorInfo } from '@outpost/protocol';
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import { errorDetail, loadError } from '../embedded/embedded-errors.js';
import { defaultThreads } from '../embedded/embedded-runtime.js';
import { checkModelFile } from '../embedded/model-file-check.js';
import { acquireLlama, type EmbeddedLogLevel, type LlamaLease } from '../embedded/shared-llama.js';

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

export type EmbeddingRuntimeLoadResult =
  { success: true; runtime: EmbeddingRuntime } | { success: false; error: ModelErrorInfo };

/**
 * Loads node-llama-cpp (lazily, `build: 'never'` through the process's shared binding: never
 * compiles, never downloads), the model and an embedding context. Never rejects: a failure is
 * returned with a message a user can act on, and whatever was loaded is freed. The batch is the
 * whole context, since an embedding model that reads both ways (BERT-like) must see a text in one
 * batch.
 */
export async function loadEmbeddingRuntime(
  settings: EmbeddingRuntimeSettings,
): Promise<EmbeddingRuntimeLoadResult> {
  const { modelPath } = settings;
  const fileProblem = await checkModelFile(modelPath);
  if (fileProblem !== undefined) return failure(fileProblem);

  let library: typeof NodeLlamaCpp;
  try {
    library = await import('node-llama-cpp');
  } catch (error) {
    return failure(
      `The embedded runtime (node-llama-cpp) could not be loaded: ${errorDetail(error)} ` +
        'Reinstall Outpost, or embed with a model server (llama.cpp server, Ollama, LM Studio).',
    );
  }
  let lease: LlamaLease;
  try {
    lease = await acquireLlama(library, settings);
  } catch (error) {
    if (error instanceof library.NoBinaryFoundError) {
      return failure(
        `node-llama-cpp has no prebuilt binary for this platform (${process.platform}-${process.arch}), ` +
          'and Outpost does not compile llama.cpp. Embed with a model server (llama.cpp server, ' +
          'Ollama, LM Studio) instead.',
      );
    }
    return failure(`The llama.cpp runtime could not start: ${errorDetail(error)}`);
  }
  const { llama } = lease;

  const loaded: { dispose(): unknown }[] = [{ dispose: () => lease.release() }];
  const release = async () => {
    // Emptied first, so a second call frees nothing twice.
    for (const item of loaded.splice(0).reverse()) await disposeQuietly(item);
  };
  try {
    const model = await llama.loadModel({
      modelPath,
      ...(settings.gpu === false && { gpuLayers: 0 }),
    });
    loaded.push(model);
    const threads = settings.threads ?? defaultThreads(llama.cpuMathCores);
    if (llama.maxThreads !== 0 && threads > llama.maxThreads) llama.maxThreads = threads;
    const trained = model.trainContextSize > 0 ? model.trainContextSize : Infinity;
    const contextSize = settings.contextSize ?? Math.min(trained, defaultMaxEmbeddingContextSize);
    const context = await model.createEmbeddingContext({
      contextSize,
      batchSize: contextSize,
      threads,
    });
    loaded.push(context);
    return { success: true, runtime: { model, context, contextSize, threads, dispose: release } };
  } catch (error) {
    const stage = loaded.length === 1 ? 'load the model' : 'create an embedding context for';
    const memory = error instanceof library.InsufficientMemoryError;
    await release();
    return failure(
      `Could not ${stage} ${modelPath}: ${errorDetail(error)}` +
        (memory ? ' Free some memory or choose a smaller context size or model.' : ''),
    );
  }
}

function failure(message: string): EmbeddingRuntimeLoadResult {
  return { success: false, error: loadError(message) };
}

async function disposeQuietly(item: { dispose(): unknown }): Promise<void> {
  try {
    await item.dispose();
  } catch {
    // Freeing is best effort: a context already freed with its model may refuse a second
    // dispose, and there is nothing left to do about it.
  }
}
