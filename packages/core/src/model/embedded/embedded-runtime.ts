import type {
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from 'node-llama-cpp';
import { type LoadResult, loadLlamaModel } from './load-llama-model.js';
import type { EmbeddedLogLevel } from './shared-llama.js';

export { defaultThreads } from './load-llama-model.js';

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

export type RuntimeLoadResult = LoadResult<EmbeddedRuntime>;

/**
 * Loads node-llama-cpp, the model and a context with one sequence and a `LlamaChat` on it. Never
 * rejects: a failure (the file, the native binding, memory) is returned as an error with a
 * message a user can act on, and whatever was already loaded is freed. Never compiles llama.cpp
 * or downloads anything (`build: 'never'`).
 */
export function loadEmbeddedRuntime(settings: EmbeddedRuntimeSettings): Promise<RuntimeLoadResult> {
  return loadLlamaModel(
    settings,
    {
      alternative: 'use a model server (llama.cpp server, Ollama, LM Studio)',
      contextStage: 'create a context for the model',
    },
    async ({ library, llama, model, threads, keep, release }) => {
      const context = await model.createContext({
        contextSize: settings.contextSize ?? { max: defaultMaxContextSize },
        sequences: 1,
        threads,
      });
      keep(context);
      const sequence = context.getSequence();
      keep(sequence);
      const chat = new library.LlamaChat({ contextSequence: sequence });
      keep(chat);
      return { llama, model, context, sequence, chat, threads, dispose: release };
    },
  );
}
