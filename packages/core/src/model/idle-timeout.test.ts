import { describe, expect, it } from 'vitest';
import { IdleTimeout } from './idle-timeout.js';

describe('IdleTimeout', () => {
  it('passes through what a step settles with, and is not expired', async () => {
    const idle = new IdleTimeout(1_000, new AbortController());
    await expect(idle.watch(Promise.resolve('bytes'))).resolves.toBe('bytes');
    await expect(idle.watch(Promise.reject(new Error('reset')))).rejects.toThrow('reset');
    expect(idle.expired).toBe(false);
  });

  it('aborts the controller and rejects a silent step, even one that ignores the abort', async () => {
    const controller = new AbortController();
    const idle = new IdleTimeout(10, controller);
    await expect(idle.watch(new Promise(() => undefined))).rejects.toThrow(
      'No progress for 10 ms.',
    );
    expect(idle.expired).toBe(true);
    expect(controller.signal.aborted).toBe(true);
  });

  it('rejects at once when the controller was already aborted, without expiring', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    const idle = new IdleTimeout(1_000, controller);
    await expect(idle.watch(Promise.resolve(1))).rejects.toThrow('cancelled by user');
    expect(idle.expired).toBe(false);
  });
});
