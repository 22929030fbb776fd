import { describe, expect, it } from 'vitest';
import { createSerialLock } from './serial-lock.js';

describe('createSerialLock', () => {
  it('lets holders through one at a time, in order', async () => {
    const lock = createSerialLock();
    const order: string[] = [];
    const first = await lock.acquire();
    const second = lock.acquire().then((release) => {
      order.push('second');
      release?.();
    });
    await Promise.resolve();
    order.push('first');
    first?.();
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('gives up a place in line when aborted, without blocking those behind', async () => {
    const lock = createSerialLock();
    const first = await lock.acquire();
    const controller = new AbortController();
    const abandoned = lock.acquire(controller.signal);
    const third = lock.acquire();
    controller.abort();
    expect(await abandoned).toBeUndefined();
    first?.();
    const release = await third;
    expect(release).toBeTypeOf('function');
  });
});
