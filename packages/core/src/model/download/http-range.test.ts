import { describe, expect, it } from 'vitest';
import { bodyLength, ifRangeValidator, parseContentRange } from './http-range.js';

describe('parseContentRange', () => {
  it('reads a satisfied range, an unsatisfied one and an unknown total', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({
      start: 100,
      end: 199,
      totalBytes: 1000,
    });
    expect(parseContentRange('bytes */1000')).toEqual({
      start: undefined,
      end: undefined,
      totalBytes: 1000,
    });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, totalBytes: undefined });
  });

  it('ignores what it cannot read', () => {
    expect(parseContentRange(null)).toBeUndefined();
    expect(parseContentRange('items 1-2/3')).toBeUndefined();
  });
});

describe('ifRangeValidator', () => {
  it('prefers a strong ETag, never sends a weak one, falls back to Last-Modified', () => {
    const date = 'Tue, 01 Oct 2024 10:00:00 GMT';
    expect(ifRangeValidator('"abc"', date)).toBe('"abc"');
    expect(ifRangeValidator('W/"abc"', date)).toBe(date);
    expect(ifRangeValidator(undefined, undefined)).toBeUndefined();
  });
});

describe('bodyLength', () => {
  it('trusts Content-Length only for an unencoded body', () => {
    expect(bodyLength(new Headers({ 'content-length': '42' }))).toBe(42);
    expect(bodyLength(new Headers({ 'content-length': '42', 'content-encoding': 'gzip' }))).toBe(
      undefined,
    );
    expect(bodyLength(new Headers())).toBeUndefined();
  });
});
