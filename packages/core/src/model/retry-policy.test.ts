import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from './retry-policy.js';

describe('retryDelayMs', () => {
  it('doubles from half a second, with jitter between half and all of the backoff', () => {
    expect([0, 1, 2].map((retry) => retryDelayMs(retry, () => 0))).toEqual([250, 500, 1000]);
    expect([0, 1, 2].map((retry) => retryDelayMs(retry, () => 0.999999))).toEqual([
      500, 1000, 2000,
    ]);
  });

  it('stops growing at 8 s', () => {
    expect(retryDelayMs(10, () => 0.999999)).toBe(8000);
  });

  it('uses the server’s Retry-After, capped at a minute', () => {
    expect(retryDelayMs(0, () => 0, 3000)).toBe(3000);
    expect(retryDelayMs(0, () => 0, 3_600_000)).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    const date = new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' });
    expect(parseRetryAfter(date, now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '150' }), now)).toBe(150);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});
