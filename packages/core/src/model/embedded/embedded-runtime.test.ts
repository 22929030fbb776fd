import { describe, expect, it } from 'vitest';
import { defaultThreads } from './embedded-runtime.js';

describe('defaultThreads', () => {
  it('leaves one core free, and never goes below one thread', () => {
    expect(defaultThreads(1)).toBe(1);
    expect(defaultThreads(2)).toBe(1);
    expect(defaultThreads(8)).toBe(7);
  });
});
