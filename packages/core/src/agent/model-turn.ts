import type {
  FinishReason,
  LanguageModel,
  ModelRequest,
  SessionEventData,
  StreamPart,
} from '@outpost/protocol';
import { collectStream } from '../model/stream-result.js';
import type { StreamResult } from '../model/stream-result.js';

/** One model call, consumed: what it said, what it asked for, and how long it took. */
export interface ModelTurn extends Omit<StreamResult, 'finishReason'> {
  finishReason: FinishReason | 'error';
  /** From sending the request to the first streamed text, reasoning or tool call. */
  timeToFirstTokenMs: number | null;
  durationMs: number;
}

/**
 * Streams one model call, passing text and reasoning deltas on as they arrive. Adapters report
 * failures as `error` parts; an adapter that throws anyway is treated the same way, so a bug in
 * one adapter ends the turn with a clear error instead of an unhandled rejection.
 */
export async function streamModelTurn(options: {
  model: LanguageModel;
  request: ModelRequest;
  onText: (text: string) => void;
  onReasoning: (text: string) => void;
  monotonicNow: () => number;
}): Promise<ModelTurn> {
  const { model, request, onText, onReasoning, monotonicNow } = options;
  const started = monotonicNow();
  let timeToFirstTokenMs: number | null = null;
  const onPart = (part: StreamPart) => {
    if (
      part.type === 'text-delta' ||
      part.type === 'reasoning-delta' ||
      part.type === 'tool-call'
    ) {
      timeToFirstTokenMs ??= monotonicNow() - started;
    }
    if (part.type === 'text-delta') onText(part.text);
    else if (part.type === 'reasoning-delta') onReasoning(part.text);
  };
  let result: StreamResult;
  try {
    result = await collectStream(model.stream(request), onPart);
  } catch (error) {
    result = {
      text: '',
      reasoning: '',
      toolCalls: [],
      usage: undefined,
      finishReason: undefined,
      error: {
        kind: 'protocol',
        isRetryable: false,
        message: `The ${model.provider} adapter failed: ${(error as Error).message}`,
      },
    };
  }
  return {
    ...result,
    finishReason: result.error ? 'error' : (result.finishReason ?? 'other'),
    timeToFirstTokenMs,
    durationMs: monotonicNow() - started,
  };
}

/** The `model-call` event of a turn: tokens, timing and finish reason. */
export function modelCallEvent(
  model: LanguageModel,
  step: number,
  turn: ModelTurn,
): SessionEventData {
  return {
    type: 'model-call',
    step,
    provider: model.provider,
    model: model.modelId,
    inputTokens: turn.usage?.inputTokens ?? null,
    outputTokens: turn.usage?.outputTokens ?? null,
    ...(turn.usage?.evaluatedInputTokens === undefined
      ? {}
      : { evaluatedInputTokens: turn.usage.evaluatedInputTokens }),
    timeToFirstTokenMs: turn.timeToFirstTokenMs,
    durationMs: turn.durationMs,
    finishReason: turn.finishReason,
  };
}

/** The `assistant-message` event of a turn; `partial` when a failed stream cut it off. */
export function assistantEvent(step: number, turn: ModelTurn, partial: boolean): SessionEventData {
  return {
    type: 'assistant-message',
    step,
    text: turn.text,
    ...(turn.reasoning === '' ? {} : { reasoning: turn.reasoning }),
    partial,
  };
}
