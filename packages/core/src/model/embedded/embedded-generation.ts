import type { ModelRequest, StreamPart, Usage } from '@outpost/protocol';
import type { ChatHistoryItem, LlamaChatResponse, LlamaGrammar, Token } from 'node-llama-cpp';
import { cancelledError } from '../model-server-errors.js';
import { createAsyncQueue } from './async-queue.js';
import { toChatHistory } from './embedded-chat-history.js';
import {
  contextOverflowError,
  errorDetail,
  generationError,
  grammarError,
} from './embedded-errors.js';
import type { EmbeddedRuntime } from './embedded-runtime.js';
import type { GrammarCache } from './grammar-cache.js';

/**
 * Context cells kept free: LlamaChat needs one free cell after the prompt and shifts the context
 * (drops old tokens) once generation reaches the last cell, which this adapter never lets happen.
 */
const contextReserve = 2;

export interface GenerationSettings {
  runtime: EmbeddedRuntime;
  grammars: GrammarCache;
  defaultMaxOutputTokens: number;
  /** Told the usage of every call that generated. */
  onUsage: (usage: Usage) => void;
}

type Outcome = { ok: true; response: LlamaChatResponse } | { ok: false; error: unknown };

/**
 * One model call on the runtime's long-lived sequence, which the caller holds exclusively.
 * LlamaChat keeps the sequence's tokens that match the new prompt, so a turn that extends the
 * previous conversation evaluates only its new tokens. Never throws: failures are one `error`
 * part. A prompt that does not fit the context window is refused (`context`) rather than
 * silently shifted, and the reply is capped to the room left, ending with `length`.
 */
export async function* generateReply(
  settings: GenerationSettings,
  request: ModelRequest,
): AsyncGenerator<StreamPart, void> {
  const { runtime, grammars } = settings;
  const { signal } = request;
  const history = toChatHistory(request.messages);
  const prompt = promptTokens(runtime, history);
  const contextSize = runtime.context.contextSize;
  const room = contextSize - prompt.length - contextReserve;
  if (room < 1) {
    yield { type: 'error', error: contextOverflowError(prompt.length, contextSize) };
    return;
  }
  const requested = Math.max(1, request.maxOutputTokens ?? settings.defaultMaxOutputTokens);
  const maxTokens = Math.min(requested, room);

  let grammar: LlamaGrammar | undefined;
  if (request.responseFormat !== undefined) {
    try {
      grammar = await grammars.get(request.responseFormat.schema);
    } catch (error) {
      yield { type: 'error', error: grammarError(request.responseFormat.name, errorDetail(error)) };
      return;
    }
  }
  if (signal?.aborted) {
    yield { type: 'error', error: cancelledError() };
    return;
  }

  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const chunks = createAsyncQueue<string>();
  let outputTokens = 0;
  const meterBefore = runtime.sequence.tokenMeter.getState();
  const outcome: Promise<Outcome> = runtime.chat
    .generateResponse(history, {
      onTextChunk: (text) => chunks.push(text),
      onToken: (tokens) => (outputTokens += tokens.length),
      signal: controller.signal,
      stopOnAbortSignal: true,
      maxTokens,
      temperature: request.temperature,
      grammar,
    })
    .then(
      (response): Outcome => ({ ok: true, response }),
      (error: unknown): Outcome => ({ ok: false, error }),
    )
    .finally(() => chunks.close());
  let settled = false;
  try {
    for await (const text of chunks) {
      if (text !== '') yield { type: 'text-delta', text };
    }
    const result = await outcome;
    settled = true;
    if (controller.signal.aborted) {
      yield { type: 'error', error: cancelledError() };
      return;
    }
    if (!result.ok) {
      yield { type: 'error', error: generationError(errorDetail(result.error)) };
      return;
    }
    const meter = runtime.sequence.tokenMeter.diff(meterBefore);
    const usage: Usage = {
      inputTokens: prompt.length,
      outputTokens,
      // The meter counts the prompt's last token as output (its logits are read), so it is added
      // back; generated tokens fed back in count as output too.
      evaluatedInputTokens:
        meter.usedOutputTokens > 0
          ? Math.min(prompt.length, meter.usedInputTokens + 1)
          : meter.usedInputTokens,
    };
    settings.onUsage(usage);
    yield { type: 'usage', usage };
    const reason = result.response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
    yield { type: 'finish', reason };
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    if (!settled) {
      // The consumer stopped reading: stop generating and wait, so the next call finds the
      // sequence free.
      controller.abort();
      await outcome;
    }
  }
}

/** The tokens of the whole prompt as LlamaChat will render it: the history plus an open reply. */
function promptTokens(runtime: EmbeddedRuntime, history: ChatHistoryItem[]): Token[] {
  const chatHistory: ChatHistoryItem[] =
    history.at(-1)?.type === 'model' ? history : [...history, { type: 'model', response: [] }];
  const { contextText } = runtime.chat.chatWrapper.generateContextState({ chatHistory });
  return contextText.tokenize(runtime.model.tokenizer);
}
