import type {
  FinishReason,
  LanguageModel,
  ModelErrorInfo,
  ModelRequest,
  ToolCall,
  Usage,
} from '@outpost/protocol';

/** One model call, consumed: what it said, what it asked for, and how long it took. */
export interface ModelTurn {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage: Usage | undefined;
  finishReason: FinishReason | 'error';
  error: ModelErrorInfo | undefined;
  /** From sending the request to the first streamed part of any kind. */
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
  const turn: ModelTurn = {
    text: '',
    reasoning: '',
    toolCalls: [],
    usage: undefined,
    finishReason: 'other',
    error: undefined,
    timeToFirstTokenMs: null,
    durationMs: 0,
  };
  const markFirst = () => {
    turn.timeToFirstTokenMs ??= monotonicNow() - started;
  };
  try {
    for await (const part of model.stream(request)) {
      switch (part.type) {
        case 'text-delta':
          markFirst();
          turn.text += part.text;
          onText(part.text);
          break;
        case 'reasoning-delta':
          markFirst();
          turn.reasoning += part.text;
          onReasoning(part.text);
          break;
        case 'tool-call':
          markFirst();
          turn.toolCalls.push(part.toolCall);
          break;
        case 'usage':
          turn.usage = part.usage;
          break;
        case 'finish':
          turn.finishReason = part.reason;
          break;
        case 'error':
          turn.error = part.error;
          turn.finishReason = 'error';
          break;
      }
      if (turn.error) break;
    }
  } catch (error) {
    turn.error = {
      kind: 'protocol',
      isRetryable: false,
      message: `The ${model.provider} adapter failed: ${(error as Error).message}`,
    };
    turn.finishReason = 'error';
  }
  turn.durationMs = monotonicNow() - started;
  return turn;
}
