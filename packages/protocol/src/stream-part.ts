import type { ToolCall } from './model-message.js';

export type FinishReason = 'stop' | 'tool-calls' | 'length' | 'content-filter' | 'other';

export interface Usage {
  /** Tokens of the whole prompt. */
  inputTokens: number;
  outputTokens: number;
  /**
   * Prompt tokens the runtime actually evaluated for this call; fewer than `inputTokens` when a
   * cached prefix (the previous turn's KV state) was reused. Undefined when the runtime does not say.
   */
  evaluatedInputTokens?: number;
}

/**
 * What went wrong in a model call, as data: an error inside a stream is a stream part, so one bad
 * chunk from a local server never tears down the caller with an exception it did not expect.
 */
export interface ModelErrorInfo {
  /** A sentence a user can act on. */
  message: string;
  /** True when the same request may succeed if sent again (overload, dropped connection). */
  isRetryable: boolean;
  /** HTTP status when the server answered with one. */
  statusCode?: number;
  /** Coarse class: where the failure happened. */
  kind: 'unreachable' | 'http' | 'stream' | 'protocol' | 'timeout' | 'cancelled' | 'context';
}

/** Parts of a streamed model response, named noun-verb (CONVENTIONS: Names). */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: ModelErrorInfo };
