import type { ModelErrorInfo } from '@outpost/protocol';

/**
 * Whether a failed model call means its server is not answering, so another model may take the
 * same step: no connection (refused, unknown host), a connection that broke before the answer, a
 * server silent past the idle timeout, or an HTTP 5xx — each after the adapter's own retries. A
 * server that answered with something unusable (`protocol`), refused the request (4xx), or a
 * prompt that cannot fit (`context`) is not: another try elsewhere would hide a real problem.
 * The caller also makes sure nothing of the call was shown (its output is never sent twice).
 */
export function isUnavailableError(error: ModelErrorInfo): boolean {
  switch (error.kind) {
    case 'unreachable':
    case 'timeout':
      return true;
    case 'stream':
      // A broken connection is retryable; an error the server reported in its stream is not.
      return error.isRetryable;
    case 'http':
      return error.statusCode !== undefined && error.statusCode >= 500;
    case 'protocol':
    case 'cancelled':
    case 'context':
      return false;
  }
}
