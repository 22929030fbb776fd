import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('encodes the timestamp in the first 48 bits and sets version and variant', () => {
    const id = uuidv7(
      () => 0x0195f2a3b4c5,
      () => Buffer.alloc(16, 0xff),
    );
    expect(id).toBe('0195f2a3-b4c5-7fff-bfff-ffffffffffff');
  });

  it('sorts by creation time', () => {
    const ids = [3, 1, 2].map((time) => uuidv7(() => time * 1000));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});
