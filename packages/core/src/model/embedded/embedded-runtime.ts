import type { ModelErrorInfo } from '@outpost/protocol';
import type {
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from 'node-llama-cpp';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import { errorDetail, loadError } from './embedded-errors.js';
import { checkModelFile } from './model-file-check.js';
import { acquireLlama, type EmbeddedLogLevel, type LlamaLease } from './shared-llama.js';

/** The default context size cap: the model's training size, but no more than this. */
export const defaultMaxContextSize = 8192;

export interface EmbeddedRuntimeSettings {
  modelPath: string;
  /** Exact context size; when undefined, the training size capped at 8192 and at free memory. */
  contextSize?: number;
  gpu: 'auto' | false;
  /** Threads for evaluation; when undefined, `defaultThreads(llama.cpuMathCores)`. */
  threads?: number;
  logLevel: EmbeddedLogLevel;
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/** Everything the adapter holds once the model is ready: one context with one sequence. */
export interface EmbeddedRuntime {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** The one long-lived sequence every call generates on, so a shared prefix is reused. */
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  threads: number;
  /**
   * Frees chat, sequence, context and model, in that order, and lets go of the process's shared
   * native binding (kept for the next model: see `shared-llama.ts`).
   */
  dispose(): Promise<void>;
}

export type RuntimeLoadResult =
  { success: true; runtime: EmbeddedRuntime } | { success: false; error: ModelErrorInfo };

/**
 * Loads node-llama-cpp, the model and a context. Never rejects: a failure (the file, the native
 * binding, memory) is returned as an error with a message a user can act on, and whatever was
 * already loaded is freed. Never compiles llama.cpp or downloads anything (`build: 'never'`).
 */
export async function loadEmbeddedRuntime(
  settings: EmbeddedRuntimeSettings,
): Promise<RuntimeLoadResult> {
  const { modelPath } = settings;
  const fileProblem = await checkModelFile(modelPath);
  if (fileProblem !== undefined) return failure(fileProblem);

  let library: typeof NodeLlamaCpp;
  try {
    library = await import('node-llama-cpp');
  } catch (error) {
    return failure(
      `The embedded runtime (node-llama-cpp) could not be loaded: ${errorDetail(error)} ` +
        'Reinstall Outpost, or use a model server (llama.cpp server, Ollama, LM Studio).',
    );
  }

  let lease: LlamaLease;
  try {
    lease = await acquireLlama(library, settings);
  } catch (error) {
    if (error instanceof library.NoBinaryFoundError) {
      return failure(
        `node-llama-cpp has no prebuilt binary for this platform (${process.platform}-${process.arch}), ` +
          'and Outpost does not compile llama.cpp. Use a model server (llama.cpp server, Ollama, ' +
          'LM Studio) instead.',
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
    const context = await model.createContext({
      contextSize: settings.contextSize ?? { max: defaultMaxContextSize },
      sequences: 1,
      threads,
    });
    loaded.push(context);
    const sequence = context.getSequence();
    loaded.push(sequence);
    const chat = new library.LlamaChat({ contextSequence: sequence });
    loaded.push(chat);
    return {
      success: true,
      runtime: { llama, model, context, sequence, chat, threads, dispose: release },
    };
  } catch (error) {
    const stage = loaded.length === 1 ? 'load the model' : 'create a context for the model';
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

function failure(message: string): RuntimeLoadResult {
  return { success: false, error: loadError(message) };
}

async function disposeQuietly(item: { dispose(): unknown }): Promise<void> {
  try {
    await item.dispose();
  } catch {
    // Freeing is best effort: an item already freed by its owner (a context with its model)
    // may refuse a second dispose, and there is nothing left to do about it.
  }
}
