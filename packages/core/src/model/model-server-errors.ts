import type { ModelErrorInfo } from '@outpost/protocol';

/**
 * The messages of failed calls to a model server over HTTP. Each names the server and what
 * happened, and says what to do when there is something to do.
 */

/** Why a connection failed, from the error codes node's fetch puts in `cause`. */
export interface ConnectionFailure {
  /** A few words: `connection refused`, `other side closed`. */
  reason: string;
  /** False when no connection was made (refused, unknown host); true when one broke. */
  connected: boolean;
  /** True when trying again may work. */
  retryable: boolean;
}

const failures: Record<string, Omit<ConnectionFailure, 'reason'> & { reason?: string }> = {
  ECONNREFUSED: { reason: 'connection refused', connected: false, retryable: true },
  ETIMEDOUT: { reason: 'connection timed out', connected: false, retryable: true },
  UND_ERR_CONNECT_TIMEOUT: { reason: 'connection timed out', connected: false, retryable: true },
  EAI_AGAIN: { reason: 'name lookup failed', connected: false, retryable: true },
  ENOTFOUND: { reason: 'host not found', connected: false, retryable: false },
  EHOSTUNREACH: { reason: 'host unreachable', connected: false, retryable: false },
  ENETUNREACH: { reason: 'network unreachable', connected: false, retryable: false },
  ERR_INVALID_URL: { reason: 'not a valid URL', connected: false, retryable: false },
  ECONNRESET: { reason: 'connection reset', connected: true, retryable: true },
  EPIPE: { reason: 'broken pipe', connected: true, retryable: true },
  UND_ERR_SOCKET: { connected: true, retryable: true },
  UND_ERR_CLOSED: { connected: true, retryable: true },
};

export function describeConnectionFailure(error: unknown): ConnectionFailure {
  const { code, message } = innermost(error);
  const known = code === undefined ? undefined : failures[code];
  const reason = known?.reason ?? message ?? code ?? 'unknown network error';
  return { reason, connected: known?.connected ?? true, retryable: known?.retryable ?? false };
}

export function unreachableError(baseUrl: string, failure: ConnectionFailure): ModelErrorInfo {
  return {
    kind: 'unreachable',
    isRetryable: failure.retryable,
    message:
      `No model server is reachable at ${baseUrl} (${failure.reason}). ` +
      'Start llama.cpp server, LM Studio or Ollama, or pass --base-url.',
  };
}

/** The connection broke: before any answer, before any output, or after output was delivered. */
export function connectionBrokeError(
  baseUrl: string,
  reason: string,
  when: 'before-answer' | 'before-output' | 'after-output',
): ModelErrorInfo {
  const what = {
    'before-answer': `The model server at ${baseUrl} closed the connection before answering`,
    'before-output': `The connection to the model server at ${baseUrl} broke before any output arrived`,
    'after-output': `The connection to the model server at ${baseUrl} broke after the response started`,
  }[when];
  return { kind: 'stream', isRetryable: true, message: `${what} (${reason}).` };
}

export function httpStatusError(
  baseUrl: string,
  status: number,
  statusText: string,
  bodyText: string,
  retryable: boolean,
): ModelErrorInfo {
  const detail = serverMessage(bodyText);
  const answer =
    detail === undefined
      ? `${status}${statusText ? ` ${statusText}` : ''}.`
      : `${status}: ${sentence(detail)}`;
  const hint =
    status === 401 || status === 403
      ? ' Check the API key.'
      : status === 404
        ? ' Check the base URL and the model name.'
        : '';
  return {
    kind: 'http',
    statusCode: status,
    isRetryable: retryable,
    message: `The model server at ${baseUrl} answered ${answer}${hint}`,
  };
}

export function idleTimeoutError(baseUrl: string, idleTimeoutMs: number): ModelErrorInfo {
  return {
    kind: 'timeout',
    isRetryable: false,
    message:
      `The model server at ${baseUrl} sent nothing for ${formatDuration(idleTimeoutMs)}, so the ` +
      'call was given up. The server may be stuck or overloaded; if a slow machine needs longer ' +
      'to read the prompt, raise the idle timeout.',
  };
}

export function cancelledError(): ModelErrorInfo {
  return { kind: 'cancelled', isRetryable: false, message: 'The model call was cancelled.' };
}

/** The server answered, but with something that is not a chat completion we can read. */
export function protocolError(baseUrl: string, detail: string): ModelErrorInfo {
  return {
    kind: 'protocol',
    isRetryable: false,
    message: `The model server at ${baseUrl} sent a response that cannot be read: ${sentence(detail)}`,
  };
}

/** The server reported an error inside an already started stream (llama.cpp does this). */
export function streamReportedError(baseUrl: string, detail: string): ModelErrorInfo {
  return {
    kind: 'stream',
    isRetryable: false,
    message: `The model server at ${baseUrl} reported an error during the response: ${sentence(detail)}`,
  };
}

/**
 * The server's own explanation from an error body: OpenAI's `{ error: { message } }`, or
 * `{ error: "..." }`, `{ message }`, `{ detail }`; short plain text as is; HTML never.
 */
export function serverMessage(bodyText: string): string | undefined {
  const text = bodyText.trim();
  if (text === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: a plain-text body may still say what went wrong.
    return text.length <= 300 && !text.startsWith('<') ? oneLine(text) : undefined;
  }
  const candidates = [field(field(body, 'error'), 'message'), field(body, 'error')];
  candidates.push(field(body, 'message'), field(body, 'detail'));
  const found = candidates.find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  return found === undefined ? undefined : oneLine(found);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function innermost(error: unknown): { code: string | undefined; message: string | undefined } {
  let code: string | undefined;
  let message: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const candidate = field(current, 'code');
    if (typeof candidate === 'string' && code === undefined) code = candidate;
    const text = field(current, 'message');
    if (typeof text === 'string' && text !== '') message = text;
    const nested = field(current, 'errors');
    current = field(current, 'cause') ?? (Array.isArray(nested) ? nested[0] : undefined);
  }
  return { code, message };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function formatDuration(milliseconds: number): string {
  return milliseconds >= 1000 ? `${Math.round(milliseconds / 1000)} s` : `${milliseconds} ms`;
}
