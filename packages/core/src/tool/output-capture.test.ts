import { describe, expect, it } from 'vitest';
import { cleanOutput, OutputCapture } from './output-capture.js';

describe('OutputCapture', () => {
  it('returns short output whole', () => {
    const capture = new OutputCapture(8, 8);
    capture.push(Buffer.from('hello '));
    capture.push(Buffer.from('world'));
    expect(capture.excerpt()).toBe('hello world');
    expect(capture.totalBytes).toBe(11);
  });

  it('keeps the head and the tail across many chunks and counts the bytes left out', () => {
    const capture = new OutputCapture(10, 10);
    for (let index = 0; index < 1000; index += 1) capture.push(Buffer.from('abcdefghij'));
    capture.push(Buffer.from('0123456789'));
    expect(capture.excerpt()).toBe('abcdefghij\n[… 9990 bytes omitted …]\n0123456789');
  });

  it('cuts at line boundaries near the edges', () => {
    const capture = new OutputCapture(16, 16);
    capture.push(Buffer.from('first line\nsecond line\n'));
    capture.push(Buffer.from('x'.repeat(100)));
    capture.push(Buffer.from('\nlast-but-one\nlast line\n'));
    expect(capture.excerpt()).toBe('first line\n[… 126 bytes omitted …]\nlast line\n');
  });

  it('does not split a multi-byte character at a cut', () => {
    const capture = new OutputCapture(5, 5);
    capture.push(Buffer.from('ééééééééé'));
    expect(capture.excerpt()).not.toContain('\uFFFD');
  });
});

describe('cleanOutput', () => {
  it('removes colour codes and keeps only the last state of redrawn lines', () => {
    expect(cleanOutput('\x1b[32m✓\x1b[39m passed\r\n')).toBe('✓ passed\n');
    expect(cleanOutput('progress 10%\rprogress 90%\rdone\nnext')).toBe('done\nnext');
    expect(cleanOutput('\x1b]0;title\x07text')).toBe('text');
  });
});
