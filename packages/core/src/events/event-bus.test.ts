import { describe, expect, it } from 'vitest';
import { createEventBus } from './event-bus.js';

type TestEvent = { type: 'thing.happened'; value: number };

describe('createEventBus', () => {
  it('delivers events to every subscriber until it unsubscribes', () => {
    const bus = createEventBus<TestEvent>();
    const first: number[] = [];
    const second: number[] = [];
    const unsubscribe = bus.subscribe((event) => first.push(event.value));
    bus.subscribe((event) => second.push(event.value));
    bus.emit({ type: 'thing.happened', value: 1 });
    unsubscribe();
    bus.emit({ type: 'thing.happened', value: 2 });
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);
  });

  it('keeps delivering when one listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = createEventBus<TestEvent>({ onListenerError: (error) => errors.push(error) });
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('listener bug');
    });
    bus.subscribe((event) => seen.push(event.value));
    bus.emit({ type: 'thing.happened', value: 7 });
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
  });
});
