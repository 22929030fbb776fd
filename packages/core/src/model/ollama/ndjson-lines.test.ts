import { describe, expect, it } from 'vitest';
import { NdjsonLineSplitter } from './ndjson-lines.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('NdjsonLineSplitter', () => {
  it('returns each whole line once, joining lines split across chunks', () => {
    const splitter = new NdjsonLineSplitter();
    expect(splitter.push(bytes('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(bytes(':2}\n{"c":3}\n{"d":'))).toEqual(['{"b":2}', '{"c":3}']);
    expect(splitter.push(bytes('4}'))).toEqual([]);
    expect(splitter.finish()).toEqual(['{"d":4}']);
  });

  it('skips blank lines and carriage returns', () => {
    const splitter = new NdjsonLineSplitter();
    expect(splitter.push(bytes('\n{"a":1}\r\n\r\n{"b":2}\n'))).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.finish()).toEqual([]);
  });

  it('keeps a multi-byte character that is split between chunks', () => {
    const encoded = bytes('{"text":"café ✓"}\n');
    const splitter = new NdjsonLineSplitter();
    const lines = [...encoded].flatMap((byte) => splitter.push(Uint8Array.of(byte)));
    expect(lines).toEqual(['{"text":"café ✓"}']);
  });
});
