import type { ModelErrorInfo } from '@outpost/protocol';
import { type ConnectionFailure, httpStatusError, serverMessage } from '../model-server-errors.js';

/**
 * Messages for failed calls to Ollama that say what to do in Ollama's terms; other failures use
 * the shared messages of `model-server-errors`.
 */

export function ollamaUnreachableError(
  baseUrl: string,
  failure: ConnectionFailure,
): ModelErrorInfo {
  return {
    kind: 'unreachable',
    isRetryable: failure.retryable,
    message:
      `Ollama is not reachable at ${baseUrl} (${failure.reason}). ` +
      'Start it (`ollama serve`, or the Ollama app), or pass the right --base-url.',
  };
}

/**
 * An HTTP error from Ollama: a 404 naming a missing model says how to pull it; anything else is
 * the shared message with Ollama's own explanation.
 */
export function ollamaHttpError(options: {
  baseUrl: string;
  model: string | undefined;
  status: number;
  statusText: string;
  bodyText: string;
  retryable: boolean;
}): ModelErrorInfo {
  const { baseUrl, model, status, statusText, bodyText, retryable } = options;
  const detail = serverMessage(bodyText) ?? '';
  if (status === 404 && model !== undefined && /not found/i.test(detail)) {
    return {
      kind: 'http',
      statusCode: 404,
      isRetryable: false,
      message:
        `Ollama at ${baseUrl} has no model named "${model}". Download it with ` +
        `\`ollama pull ${model}\`, or pick one that \`ollama list\` shows.`,
    };
  }
  return httpStatusError(baseUrl, status, statusText, bodyText, retryable);
}
