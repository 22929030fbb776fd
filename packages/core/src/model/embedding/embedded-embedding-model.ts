import { basename, extname } from 'node:path';
import type { EmbeddingModel } from '@outpost/protocol';
import type { Token } from 'node-llama-cpp';
import { ModelCallError } from '../../errors/model-call-error.js';
import { disposedError, errorDetail } from '../embedded/embedded-errors.js';
import { createSerialLock, disposeWhenIdle } from '../embedded/serial-lock.js';
import type { EmbeddedLogLevel } from '../embedded/shared-llama.js';
import { unlessAborted } from '../embedded/unless-aborted.js';
import { cancelledError } from '../model-server-errors.js';
import { checkedUnitVectors } from './embedding-vectors.js';
import {
  type EmbeddingRuntime,
  type EmbeddingRuntimeLoadResult,
  loadEmbeddingRuntime,
} from './embedding-runtime.js';

export interface EmbeddedEmbeddingModelOptions {
  /** Absolute path of the `.gguf` file (an embedding model: nomic-embed, bge, …). */
  modelPath: string;
  /** The model's name; default the file name without `.gguf`. */
  name?: string;
  /** Context size in tokens; default the training size capped at 2,048. Longer texts are cut. */
  contextSize?: number;
  /** `auto` (default) uses a GPU when there is one; `false` keeps the model on the CPU. */
  gpu?: 'auto' | false;
  /**
   * Evaluation threads; default the CPU's math cores less one, at least one (llama.cpp's workers
   * busy-wait, so more threads than free cores is far slower; see `defaultThreads`).
   */
  threads?: number;
  /** Least severe llama.cpp log level passed to `onLog`; default `warn`. */
  logLevel?: EmbeddedLogLevel;
  /** Receives llama.cpp's log lines; without it they are dropped, never printed. */
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/**
 * The `embedded` embedding adapter: a GGUF model run in this process by node-llama-cpp
 * (`createEmbeddingContext`, `getEmbeddingFor`). Creating it loads nothing; the first `embed` or
 * `dimensions` loads the model once. Texts are embedded one after another on one context; a text
 * longer than the context is cut to fit, by tokens. Failures reject with `ModelCallError`.
 */
export function createEmbeddedEmbeddingModel(
  options: EmbeddedEmbeddingModelOptions,
): EmbeddingModel {
  const { modelPath } = options;
  const modelId = options.name ?? basename(modelPath, extname(modelPath));
  const where = `The embedding model ${modelPath}`;
  const lock = createSerialLock();
  let load: Promise<EmbeddingRuntimeLoadResult> | undefined;
  let disposed = false;
  let disposal: Promise<void> | undefined;

  /** The runtime, or a rejection saying why there is none. */
  const ready = async (signal: AbortSignal | undefined): Promise<EmbeddingRuntime> => {
    if (disposed) throw new ModelCallError(disposedError());
    load ??= loadEmbeddingRuntime({
      modelPath,
      contextSize: options.contextSize,
      gpu: options.gpu ?? 'auto',
      threads: options.threads,
      logLevel: options.logLevel ?? 'warn',
      onLog: options.onLog,
    });
    const loaded = await unlessAborted(load, signal);
    if (loaded.aborted) throw new ModelCallError(cancelledError());
    if (!loaded.value.success) throw new ModelCallError(loaded.value.error);
    if (disposed) throw new ModelCallError(disposedError());
    return loaded.value.runtime;
  };

  return {
    provider: 'embedded',
    modelId,

    async embed(texts, embedOptions = {}) {
      const { signal } = embedOptions;
      if (texts.length === 0 && signal?.aborted !== true) return [];
      const runtime = await ready(signal);
      const release = await lock.acquire(signal);
      if (release === undefined) throw new ModelCallError(cancelledError());
      try {
        const vectors: (readonly number[])[] = [];
        for (const text of texts) {
          if (disposed) throw new ModelCallError(disposedError());
          if (signal?.aborted === true) throw new ModelCallError(cancelledError());
          vectors.push(await embedOne(runtime, text, where));
        }
        const dimensions = runtime.model.embeddingVectorSize;
        return checkedUnitVectors({
          where,
          model: modelId,
          sent: texts.length,
          vectors,
          dimensions,
        });
      } finally {
        release();
      }
    },

    async dimensions() {
      return (await ready(undefined)).model.embeddingVectorSize;
    },

    dispose() {
      disposed = true;
      disposal ??= disposeWhenIdle(load, lock);
      return disposal;
    },
  };
}

/** One text's raw vector, the text cut to the context by tokens when it is too long. */
async function embedOne(
  runtime: EmbeddingRuntime,
  text: string,
  where: string,
): Promise<readonly number[]> {
  const { model, context, contextSize } = runtime;
  try {
    const tokens = fitToContext(runtime, model.tokenize(text, false));
    const embedding = await context.getEmbeddingFor(tokens);
    return embedding.vector;
  } catch (error) {
    throw new ModelCallError(
      {
        kind: 'stream',
        isRetryable: false,
        message:
          `${where} failed on a text of ${text.length} ` +
          `characters (context ${contextSize} tokens): ${errorDetail(error)}`,
      },
      { cause: error },
    );
  }
}

/**
 * `tokens` cut so that they, with the start and end tokens the model adds, stay under the
 * context size (node-llama-cpp refuses anything longer). An empty text becomes the model's start
 * token alone, so it still gets a vector.
 */
function fitToContext(runtime: EmbeddingRuntime, tokens: Token[]): Token[] {
  const { model, context, contextSize } = runtime;
  const added = context.calculateInputLength([]);
  const room = Math.max(1, contextSize - 1 - added);
  if (tokens.length > 0) return tokens.length > room ? tokens.slice(0, room) : tokens;
  const start = model.tokens.bos ?? model.tokens.eos;
  return start === null ? model.tokenize(' ', false) : [start];
}
