import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.js';

describe('formatBytes', () => {
  it('uses decimal units, with more digits for small values', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(481_100)).toBe('481.1 kB');
    expect(formatBytes(1_185_376)).toBe('1.19 MB');
    expect(formatBytes(4_683_073_536)).toBe('4.68 GB');
  });
});
