import { basename, extname } from 'node:path';
import type { LanguageModel, ModelRequest, StreamPart, Usage } from '@outpost/protocol';
import { cancelledError } from '../model-server-errors.js';
import { estimateTokens } from '../token-estimate.js';
import { disposedError, errorDetail, generationError } from './embedded-errors.js';
import { generateReply } from './embedded-generation.js';
import {
  type EmbeddedRuntime,
  loadEmbeddedRuntime,
  type RuntimeLoadResult,
} from './embedded-runtime.js';
import { createGrammarCache, type GrammarCache } from './grammar-cache.js';
import { createSerialLock, disposeWhenIdle } from './serial-lock.js';
import type { EmbeddedLogLevel } from './shared-llama.js';
import { unlessAborted } from './unless-aborted.js';

export interface EmbeddedModelOptions {
  /** Absolute path of the `.gguf` file. */
  modelPath: string;
  /** The model's name in the UI and the session record; default the file name without `.gguf`. */
  name?: string;
  /**
   * Context size in tokens. Default: the model's training context size, capped at 8,192 and at
   * what fits in free memory.
   */
  contextSize?: number;
  /**
   * `auto` (the default) uses a GPU when one is present and usable, else the CPU; `false` keeps
   * the model on the CPU. The process shares one native binding, made with the first model's
   * setting: after a CPU-only first model, later models stay on the CPU too.
   */
  gpu?: 'auto' | false;
  /**
   * Evaluation threads; default the CPU's math cores less one, at least one. node-llama-cpp's own
   * default (at least 4) and even all cores make generation hundreds of times slower on a busy
   * 2-core machine, since llama.cpp's workers busy-wait (see `defaultThreads`).
   */
  threads?: number;
  /** Reply length when a request sets no `maxOutputTokens`; default 1,024. */
  maxOutputTokens?: number;
  /** Least severe llama.cpp log level passed to `onLog`; default `warn`. */
  logLevel?: EmbeddedLogLevel;
  /**
   * Receives node-llama-cpp's log lines (e.g. the harmless "bad special token" warnings while
   * loading). Without it they are dropped, never printed over the terminal UI.
   */
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/** What the adapter holds and has done, for `outpost doctor` and benchmarks. */
export interface EmbeddedModelStats {
  /** The model and its context are loaded and ready. */
  loaded: boolean;
  /** A load has started and not finished. */
  loading: boolean;
  /** Why loading failed; every later call reports the same. */
  loadError?: string;
  disposed: boolean;
  modelPath: string;
  /** The created context's size in tokens. */
  contextSize?: number;
  /** The context size the model was trained with. */
  trainContextSize?: number;
  /** `cuda`, `vulkan`, `metal`, or false for the CPU. */
  gpu?: string | false;
  threads?: number;
  /** Calls that generated (not those refused or failed before generating). */
  calls: number;
  /** Sums over those calls. */
  inputTokens: number;
  evaluatedInputTokens: number;
  outputTokens: number;
  lastUsage?: Usage;
}

/** A `LanguageModel` running a GGUF file in this process, with its own diagnostics. */
export interface EmbeddedModel extends LanguageModel {
  readonly provider: 'embedded';
  stats(): EmbeddedModelStats;
  /**
   * Frees the chat, sequence, context and model, and stops a call in progress; safe to call
   * twice, and loads nothing when nothing was loaded. The process-wide native binding is kept for
   * the next embedded model (node-llama-cpp mis-routes log lines of a re-created one; see
   * `shared-llama.ts`); it holds a few megabytes and does not keep the process alive.
   */
  dispose(): Promise<void>;
}

const fallbackMaxOutputTokens = 1024;

/**
 * The `embedded` adapter: runs a GGUF model in-process with node-llama-cpp. Creating it loads
 * nothing; the native binding and the model load once, on the first `contextWindow`,
 * `countTokens` or `stream`. Every call generates on one long-lived context sequence, so a turn
 * that extends the previous conversation evaluates only its new tokens. Output can be held to a
 * JSON schema by a grammar (`responseFormat`); tool calls are left to the tool-protocol layer
 * above (`capabilities.nativeTools` is false and `request.tools` is not read).
 */
export function createEmbeddedModel(options: EmbeddedModelOptions): EmbeddedModel {
  const { modelPath } = options;
  const lock = createSerialLock();
  const defaultMaxOutputTokens = options.maxOutputTokens ?? fallbackMaxOutputTokens;
  const disposing = new AbortController();
  let load: Promise<RuntimeLoadResult> | undefined;
  /** The load's result once it has finished. */
  let loadResult: RuntimeLoadResult | undefined;
  let grammars: GrammarCache | undefined;
  let disposed = false;
  let disposal: Promise<void> | undefined;
  const totals = { calls: 0, inputTokens: 0, evaluatedInputTokens: 0, outputTokens: 0 };
  let lastUsage: Usage | undefined;

  const ensureLoaded = (): Promise<RuntimeLoadResult> => {
    load ??= loadEmbeddedRuntime({
      modelPath,
      contextSize: options.contextSize,
      gpu: options.gpu ?? 'auto',
      threads: options.threads,
      logLevel: options.logLevel ?? 'warn',
      onLog: options.onLog,
    }).then((result) => (loadResult = result));
    return load;
  };

  /** The runtime, or undefined when it cannot be had (disposed, failed to load). */
  const runtime = async (): Promise<EmbeddedRuntime | undefined> => {
    if (disposed) return undefined;
    const result = await ensureLoaded();
    return result.success && !disposed ? result.runtime : undefined;
  };

  const onUsage = (usage: Usage) => {
    totals.calls += 1;
    totals.inputTokens += usage.inputTokens;
    totals.evaluatedInputTokens += usage.evaluatedInputTokens ?? usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    lastUsage = usage;
  };

  async function* stream(request: ModelRequest): AsyncGenerator<StreamPart, void> {
    const { signal } = request;
    if (disposed) {
      yield { type: 'error', error: disposedError() };
      return;
    }
    const loaded = await unlessAborted(ensureLoaded(), signal);
    if (loaded.aborted) {
      yield { type: 'error', error: cancelledError() };
      return;
    }
    if (!loaded.value.success) {
      yield { type: 'error', error: loaded.value.error };
      return;
    }
    const release = await lock.acquire(signal);
    if (release === undefined) {
      yield { type: 'error', error: cancelledError() };
      return;
    }
    try {
      if (disposed) {
        yield { type: 'error', error: disposedError() };
        return;
      }
      const { runtime: ready } = loaded.value;
      grammars ??= createGrammarCache(ready.llama);
      const settings = { runtime: ready, grammars, defaultMaxOutputTokens, onUsage };
      // Disposing stops a call in progress rather than waiting for its reply to finish.
      const stop =
        signal === undefined ? disposing.signal : AbortSignal.any([signal, disposing.signal]);
      yield* generateReply(settings, { ...request, signal: stop });
    } catch (error) {
      // Not a failure of the model but of this code or node-llama-cpp; reported as promised.
      yield { type: 'error', error: generationError(errorDetail(error)) };
    } finally {
      release();
    }
  }

  return {
    provider: 'embedded',
    modelId: options.name ?? basename(modelPath, extname(modelPath)),
    capabilities: { nativeTools: false, jsonSchema: true, grammar: true, embeddings: false },

    async contextWindow() {
      return (await runtime())?.context.contextSize;
    },

    async countTokens(text) {
      const loadedRuntime = await runtime();
      // Without a loaded model there is no tokenizer; an estimate is what the interface allows.
      if (loadedRuntime === undefined) return estimateTokens(text);
      return loadedRuntime.model.tokenize(text).length;
    },

    stream,

    stats() {
      const ready = loadResult?.success === true && !disposed ? loadResult.runtime : undefined;
      return {
        loaded: ready !== undefined,
        loading: load !== undefined && loadResult === undefined,
        ...(loadResult?.success === false && { loadError: loadResult.error.message }),
        disposed,
        modelPath,
        ...(ready !== undefined && {
          contextSize: ready.context.contextSize,
          trainContextSize: ready.model.trainContextSize,
          gpu: ready.llama.gpu,
          threads: ready.threads,
        }),
        ...totals,
        ...(lastUsage !== undefined && { lastUsage }),
      };
    },

    dispose() {
      disposed = true;
      disposing.abort();
      disposal ??= disposeWhenIdle(load, lock);
      return disposal;
    },
  };
}
