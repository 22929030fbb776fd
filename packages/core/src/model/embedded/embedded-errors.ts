import type { ModelErrorInfo } from '@outpost/protocol';

/**
 * The messages of failed calls to the in-process model. Each names the model file or the limit
 * and says what to do when there is something to do.
 */

/** The model could not be made ready: a bad file, no runtime for this platform, no memory. */
export function loadError(message: string): ModelErrorInfo {
  return { kind: 'unreachable', isRetryable: false, message };
}

/** The prompt does not leave room in the context window for even one reply token. */
export function contextOverflowError(promptTokens: number, contextSize: number): ModelErrorInfo {
  return {
    kind: 'context',
    isRetryable: false,
    message:
      `The prompt needs ${promptTokens} tokens but the embedded model's context window holds ` +
      `${contextSize}, with room for the reply. Shorten the conversation or load the model ` +
      'with a larger context size.',
  };
}

/** node-llama-cpp failed while generating. */
export function generationError(detail: string): ModelErrorInfo {
  return {
    kind: 'stream',
    isRetryable: false,
    message: `The embedded model failed while generating: ${sentence(detail)}`,
  };
}

/** The requested response schema could not be turned into a grammar. */
export function grammarError(name: string, detail: string): ModelErrorInfo {
  return {
    kind: 'protocol',
    isRetryable: false,
    message: `The response schema "${name}" could not be turned into a grammar: ${sentence(detail)}`,
  };
}

export function disposedError(): ModelErrorInfo {
  return {
    kind: 'unreachable',
    isRetryable: false,
    message: 'The embedded model was disposed; create it again to use it.',
  };
}

/** `error`'s message, whatever was thrown. */
export function errorDetail(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
