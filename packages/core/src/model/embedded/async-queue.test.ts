import { describe, expect, it } from 'vitest';
import { createAsyncQueue } from './async-queue.js';

describe('createAsyncQueue', () => {
  it('yields items pushed before and while iterating, then ends when closed', async () => {
    const queue = createAsyncQueue<string>();
    queue.push('a');
    const received: string[] = [];
    const reading = (async () => {
      for await (const item of queue) received.push(item);
    })();
    await Promise.resolve();
    queue.push('b');
    queue.close();
    queue.push('dropped');
    await reading;
    expect(received).toEqual(['a', 'b']);
  });
});
