import type { ModelErrorInfo } from '@outpost/protocol';

/** `num_ctx` is a multiple of this many tokens. */
export const numCtxStep = 2048;
/** The first `num_ctx` of a session is at least this (when the model allows), to load only once. */
export const initialNumCtx = 8192;
/** Room kept for the answer when the request sets no `maxOutputTokens`. */
export const defaultOutputReserve = 4096;
/** Less room than this for the answer (or `maxOutputTokens`, if smaller) and the call is refused. */
export const minimumOutputReserve = 1024;

export interface NumCtxPlannerOptions {
  /** The model name, for messages. */
  model: string;
  /** A fixed `num_ctx` for every request instead of a sized one. */
  fixedNumCtx?: number;
}

/** The options one request gets, or why it must not be sent. */
export type NumCtxPlan =
  { fits: true; numCtx: number; numPredict: number } | { fits: false; error: ModelErrorInfo };

/**
 * Chooses `num_ctx` per request. Ollama's default context is small (2048 to 4096 tokens) and it
 * silently drops the start of a longer prompt, so it is never left unset: it is sized to the
 * estimated prompt plus room for the answer, rounded up to a multiple of 2048, and at most the
 * model's context length. A changed `num_ctx` reloads the model, which takes seconds on a CPU, so
 * it starts at 8,192 at least, never shrinks, and when it must grow it at least doubles: a
 * session reloads the model a handful of times at most. A prompt that does not fit with `minimumOutputReserve` is refused, not sent.
 *
 * `numPredict` caps the answer at the room left, so Ollama never shifts the context (dropping the
 * start of the conversation) to make room while generating.
 */
export class NumCtxPlanner {
  readonly #model: string;
  readonly #fixedNumCtx: number | undefined;
  #largest = 0;

  constructor(options: NumCtxPlannerOptions) {
    this.#model = options.model;
    this.#fixedNumCtx = options.fixedNumCtx;
  }

  /**
   * @param promptTokens the estimated prompt, tool specs included
   * @param contextLength the model's context length; undefined when unknown (then uncapped)
   */
  plan(request: {
    promptTokens: number;
    maxOutputTokens: number | undefined;
    contextLength: number | undefined;
  }): NumCtxPlan {
    const { promptTokens, maxOutputTokens, contextLength } = request;
    const reserve = maxOutputTokens ?? defaultOutputReserve;
    const minimum = Math.min(reserve, minimumOutputReserve);
    const limit = this.#fixedNumCtx ?? contextLength;
    if (limit !== undefined && promptTokens + minimum > limit) {
      return { fits: false, error: this.#tooLong(promptTokens, minimum, limit) };
    }
    let numCtx = this.#fixedNumCtx;
    if (numCtx === undefined) {
      const wanted = Math.ceil((promptTokens + reserve) / numCtxStep) * numCtxStep;
      if (this.#largest === 0) numCtx = Math.max(wanted, initialNumCtx);
      else if (wanted <= this.#largest) numCtx = this.#largest;
      else numCtx = Math.max(wanted, this.#largest * 2);
      if (contextLength !== undefined) numCtx = Math.min(numCtx, contextLength);
      this.#largest = Math.max(this.#largest, numCtx);
    }
    const room = numCtx - promptTokens;
    return { fits: true, numCtx, numPredict: Math.min(maxOutputTokens ?? room, room) };
  }

  #tooLong(promptTokens: number, minimum: number, limit: number): ModelErrorInfo {
    const window =
      this.#fixedNumCtx === undefined
        ? `the ${limit}-token context window of ${this.#model}`
        : `num_ctx ${limit}, the context configured for ${this.#model}`;
    const raise =
      this.#fixedNumCtx === undefined
        ? 'use a model with a larger context window'
        : 'raise num_ctx (up to the model’s context length)';
    return {
      kind: 'context',
      isRetryable: false,
      message:
        `The prompt needs about ${promptTokens} tokens plus at least ${minimum} for the answer, ` +
        `more than ${window}. It was not sent, since Ollama would silently cut off its start. ` +
        `Shorten the conversation (compact it or start a new session), or ${raise}.`,
    };
  }
}
