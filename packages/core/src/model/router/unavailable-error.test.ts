import { describe, expect, it } from 'vitest';
import {
  cancelledError,
  connectionBrokeError,
  httpStatusError,
  idleTimeoutError,
  protocolError,
  streamReportedError,
  unreachableError,
} from '../model-server-errors.js';
import { isUnavailableError } from './unavailable-error.js';

const url = 'http://127.0.0.1:8080/v1';

describe('isUnavailableError', () => {
  it('is true when the server does not answer: refused, broken, silent, 5xx', () => {
    const refused = { reason: 'connection refused', connected: false, retryable: true };
    expect(isUnavailableError(unreachableError(url, refused))).toBe(true);
    expect(
      isUnavailableError(connectionBrokeError(url, 'other side closed', 'before-answer')),
    ).toBe(true);
    expect(isUnavailableError(connectionBrokeError(url, 'reset', 'before-output'))).toBe(true);
    expect(isUnavailableError(idleTimeoutError(url, 600_000))).toBe(true);
    expect(isUnavailableError(httpStatusError(url, 503, 'Service Unavailable', '', true))).toBe(
      true,
    );
  });

  it('is false when the server answered and the problem is the request or its answer', () => {
    expect(isUnavailableError(httpStatusError(url, 400, 'Bad Request', '', false))).toBe(false);
    expect(isUnavailableError(httpStatusError(url, 429, 'Too Many Requests', '', true))).toBe(
      false,
    );
    expect(isUnavailableError(protocolError(url, 'not JSON'))).toBe(false);
    expect(isUnavailableError(streamReportedError(url, 'context too long'))).toBe(false);
    expect(isUnavailableError(cancelledError())).toBe(false);
    expect(
      isUnavailableError({ kind: 'context', isRetryable: false, message: 'does not fit' }),
    ).toBe(false);
  });
});
