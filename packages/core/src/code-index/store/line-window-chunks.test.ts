import { describe, expect, it } from 'vitest';
import { lineWindowChunks } from './line-window-chunks.js';

describe('lineWindowChunks', () => {
  it('cuts text into 60-line windows with 1-based inclusive line numbers', () => {
    const text = `${Array.from({ length: 130 }, (_, index) => `line ${index + 1}`).join('\n')}\n`;
    const chunks = lineWindowChunks(text);
    expect(chunks.map(({ startLine, endLine }) => [startLine, endLine])).toEqual([
      [1, 60],
      [61, 120],
      [121, 130],
    ]);
    expect(chunks[2]?.text).toBe(
      Array.from({ length: 10 }, (_, index) => `line ${index + 121}`).join('\n'),
    );
    expect(chunks.every((chunk) => chunk.symbols.length === 0)).toBe(true);
  });

  it('gives an empty file no chunks', () => {
    expect(lineWindowChunks('')).toEqual([]);
  });
});
