import { describe, expect, it } from 'vitest';
import {
  describeConnectionFailure,
  httpStatusError,
  serverMessage,
} from './model-server-errors.js';

describe('serverMessage', () => {
  it.each([
    [
      '{"error":{"message":"model \\"x\\" not found","type":"not_found_error"}}',
      'model "x" not found',
    ],
    ['{"error":"Loading model"}', 'Loading model'],
    ['{"detail":"Not Found"}', 'Not Found'],
    ['upstream connect error\n or disconnect', 'upstream connect error or disconnect'],
  ])('finds the explanation in %s', (body, expected) => {
    expect(serverMessage(body)).toBe(expected);
  });

  it('ignores HTML pages and empty bodies', () => {
    expect(serverMessage('<html><body>502 Bad Gateway</body></html>')).toBeUndefined();
    expect(serverMessage('  ')).toBeUndefined();
  });
});

describe('httpStatusError', () => {
  it('falls back to the status text when the body explains nothing', () => {
    const error = httpStatusError('http://h/v1', 404, 'Not Found', '', false);
    expect(error.message).toBe(
      'The model server at http://h/v1 answered 404 Not Found. Check the base URL and the model name.',
    );
  });
});

describe('describeConnectionFailure', () => {
  it('finds the code inside fetch’s cause chain, also in an AggregateError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const aggregate = Object.assign(new AggregateError([refused]), { code: undefined });
    const error = new TypeError('fetch failed', { cause: aggregate });
    expect(describeConnectionFailure(error)).toEqual({
      reason: 'connection refused',
      connected: false,
      retryable: true,
    });
  });

  it('uses the innermost message for a socket closed mid-way', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = new TypeError('terminated', { cause: socket });
    expect(describeConnectionFailure(error)).toEqual({
      reason: 'other side closed',
      connected: true,
      retryable: true,
    });
  });
});
