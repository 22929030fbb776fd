import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLineReader } from './line-reader.js';

describe('createLineReader', () => {
  it('answers questions from piped lines and resolves undefined at the end of input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const reader = createLineReader(input, output);
    input.end('first\nsecond\n');
    expect(await reader.question('> ')).toBe('first');
    expect(await reader.question('> ')).toBe('second');
    expect(await reader.question('> ')).toBeUndefined();
    reader.close();
  });

  it('resolves a question that is waiting when the input closes', async () => {
    const input = new PassThrough();
    const reader = createLineReader(input, new PassThrough());
    const pending = reader.question('? ');
    input.end();
    expect(await pending).toBeUndefined();
  });
});
