import type { ModelErrorInfo } from '@outpost/protocol';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import { errorDetail, loadError } from './embedded-errors.js';
import { checkModelFile } from './model-file-check.js';
import { acquireLlama, type EmbeddedLogLevel, type LlamaLease } from './shared-llama.js';

/** What loading a GGUF in this process needs, whatever is built on the model afterwards. */
export interface LlamaModelSettings {
  modelPath: string;
  gpu: 'auto' | false;
  /** When undefined, `defaultThreads(llama.cpuMathCores)`. */
  threads?: number;
  logLevel: EmbeddedLogLevel;
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/** The model and what it stands on, for the caller to build a context on. */
export interface ModelParts {
  library: typeof NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  threads: number;
  /** Frees `item` with the rest, in reverse order, when the runtime is disposed or fails. */
  keep: (item: { dispose(): unknown }) => void;
  /** Frees everything kept, then lets go of the shared binding; safe to call twice. */
  release: () => Promise<void>;
}

export type LoadResult<T> =
  { success: true; runtime: T } | { success: false; error: ModelErrorInfo };

/**
 * Loads node-llama-cpp (lazily, `build: 'never'` through the process's shared binding: never
 * compiles, never downloads) and the model, then runs `build` on it (a chat context, an embedding
 * context). Never rejects: a failure (the file, the native binding, memory) is returned with a
 * message a user can act on, naming `alternative` (what to use instead of an in-process model),
 * and whatever was loaded is freed.
 */
export async function loadLlamaModel<T>(
  settings: LlamaModelSettings,
  text: { alternative: string; contextStage: string },
  build: (parts: ModelParts) => Promise<T>,
): Promise<LoadResult<T>> {
  const { modelPath } = settings;
  const fileProblem = await checkModelFile(modelPath);
  if (fileProblem !== undefined) return failure(fileProblem);

  let library: typeof NodeLlamaCpp;
  try {
    library = await import('node-llama-cpp');
  } catch (error) {
    return failure(
      `The embedded runtime (node-llama-cpp) could not be loaded: ${errorDetail(error)} ` +
        `Reinstall Outpost, or ${text.alternative}.`,
    );
  }
  let lease: LlamaLease;
  try {
    lease = await acquireLlama(library, settings);
  } catch (error) {
    if (error instanceof library.NoBinaryFoundError) {
      return failure(
        `node-llama-cpp has no prebuilt binary for this platform (${process.platform}-${process.arch}), ` +
          `and Outpost does not compile llama.cpp. ${capitalise(text.alternative)} instead.`,
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
    // The shared binding may have a GPU; a model asked to stay on the CPU offloads no layers.
    const model = await llama.loadModel({
      modelPath,
      ...(settings.gpu === false && { gpuLayers: 0 }),
    });
    loaded.push(model);
    const threads = settings.threads ?? defaultThreads(llama.cpuMathCores);
    if (llama.maxThreads !== 0 && threads > llama.maxThreads) llama.maxThreads = threads;
    const runtime = await build({
      library,
      llama,
      model,
      threads,
      keep: (item) => loaded.push(item),
      release,
    });
    return { success: true, runtime };
  } catch (error) {
    const stage = loaded.length === 1 ? 'load the model' : text.contextStage;
    const memory = error instanceof library.InsufficientMemoryError;
    await release();
    return failure(
      `Could not ${stage} ${modelPath}: ${errorDetail(error)}` +
        (memory ? ' Free some memory or choose a smaller context size or model.' : ''),
    );
  }
}

/**
 * The CPU's math cores less one, at least one: the spare core keeps Node's main thread (and
 * whatever else runs) from preempting llama.cpp's busy-waiting workers. Measured on a loaded
 * 2-core machine with the fixture model: 1 thread generates a token in about 1 ms, 2 threads in
 * about 140 ms, and node-llama-cpp's own default (4) in about 840 ms; prefill was also faster
 * with 1 thread than with 2.
 */
export function defaultThreads(cpuMathCores: number): number {
  return Math.max(1, cpuMathCores - 1);
}

function failure(message: string): { success: false; error: ModelErrorInfo } {
  return { success: false, error: loadError(message) };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function disposeQuietly(item: { dispose(): unknown }): Promise<void> {
  try {
    await item.dispose();
  } catch {
    // Freeing is best effort: an item already freed by its owner (a context with its model)
    // may refuse a second dispose, and there is nothing left to do about it.
  }
}
