import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockSkewError } from './clock-skew-error.js';
import {
  compareHlc,
  createHybridLogicalClock,
  formatHlc,
  MAX_HLC_COUNTER,
  MAX_HLC_WALL_MS,
  parseHlc,
  type HlcState,
} from './hybrid-logical-clock.js';

// fast-check prints the seed and path of any failure; replay with fc.assert(…, { seed, path }).

const state = fc.record({
  wallMs: fc.integer({ min: 0, max: MAX_HLC_WALL_MS }),
  counter: fc.integer({ min: 0, max: MAX_HLC_COUNTER }),
});

function clockAt(time: number) {
  let now = time;
  return {
    now: () => now,
    set: (next: number) => {
      now = next;
    },
  };
}

describe('formatHlc and parseHlc', () => {
  it('writes fixed-width lowercase hex', () => {
    expect(formatHlc({ wallMs: 0x0195f2a3b4c5, counter: 1 })).toBe('0195f2a3b4c5-0001');
    expect(formatHlc({ wallMs: 0, counter: 0 })).toBe('000000000000-0000');
    expect(formatHlc({ wallMs: MAX_HLC_WALL_MS, counter: MAX_HLC_COUNTER })).toBe(
      'ffffffffffff-ffff',
    );
  });

  it('rejects values outside 48 and 16 bits and malformed text', () => {
    expect(() => formatHlc({ wallMs: MAX_HLC_WALL_MS + 1, counter: 0 })).toThrow(RangeError);
    expect(() => formatHlc({ wallMs: 1, counter: MAX_HLC_COUNTER + 1 })).toThrow(RangeError);
    expect(() => formatHlc({ wallMs: 1.5, counter: 0 })).toThrow(RangeError);
    for (const text of [
      '',
      '0195f2a3b4c5',
      '0195F2A3B4C5-0001',
      '195f2a3b4c5-0001',
      'x'.repeat(17),
    ]) {
      expect(() => parseHlc(text), text).toThrow(RangeError);
    }
  });

  it('round-trips, and string order is compareHlc order is time order (property)', () => {
    fc.assert(
      fc.property(state, state, (a, b) => {
        const [textA, textB] = [formatHlc(a), formatHlc(b)];
        expect(parseHlc(textA)).toEqual(a);
        const timeOrder = Math.sign(a.wallMs - b.wallMs || a.counter - b.counter);
        const stringOrder = textA < textB ? -1 : textA > textB ? 1 : 0;
        expect(compareHlc(textA, textB)).toBe(timeOrder);
        expect(stringOrder).toBe(timeOrder);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('tick', () => {
  it('follows the wall clock, counting within one millisecond', () => {
    const wall = clockAt(1000);
    const clock = createHybridLogicalClock({ now: wall.now });
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1000, counter: 0 }));
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1000, counter: 1 }));
    wall.set(1005);
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1005, counter: 0 }));
  });

  it('keeps counting from its last time when the wall clock jumps backwards', () => {
    const wall = clockAt(10_000);
    const clock = createHybridLogicalClock({ now: wall.now });
    clock.tick();
    wall.set(3_000);
    expect(clock.tick()).toBe(formatHlc({ wallMs: 10_000, counter: 1 }));
    expect(clock.tick()).toBe(formatHlc({ wallMs: 10_000, counter: 2 }));
    wall.set(10_001);
    expect(clock.tick()).toBe(formatHlc({ wallMs: 10_001, counter: 0 }));
  });

  it('moves to the next millisecond when the 16-bit counter overflows', () => {
    const clock = createHybridLogicalClock({
      now: () => 1000,
      initial: { wallMs: 1000, counter: MAX_HLC_COUNTER - 1 },
    });
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1000, counter: MAX_HLC_COUNTER }));
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1001, counter: 0 }));
    expect(clock.tick()).toBe(formatHlc({ wallMs: 1001, counter: 1 }));
  });
});

describe('receive', () => {
  it('returns a timestamp after both the local state and the remote one', () => {
    const wall = clockAt(50);
    const clock = createHybridLogicalClock({ now: wall.now, initial: { wallMs: 100, counter: 5 } });
    // Same wall time on both sides: the larger counter plus one.
    expect(clock.receive(formatHlc({ wallMs: 100, counter: 9 }))).toBe('000000000064-000a');
    // Remote ahead: its counter plus one.
    expect(clock.receive(formatHlc({ wallMs: 200, counter: 3 }))).toBe('0000000000c8-0004');
    // Remote behind: the local counter plus one.
    expect(clock.receive(formatHlc({ wallMs: 150, counter: 70 }))).toBe('0000000000c8-0005');
    // Wall clock ahead of both: counter resets.
    wall.set(300);
    expect(clock.receive(formatHlc({ wallMs: 250, counter: 7 }))).toBe('00000000012c-0000');
  });

  it('moves to the next millisecond when the counter would overflow', () => {
    const clock = createHybridLogicalClock({ now: () => 0 });
    const remote = formatHlc({ wallMs: 500, counter: MAX_HLC_COUNTER });
    expect(clock.receive(remote)).toBe(formatHlc({ wallMs: 501, counter: 0 }));
  });

  it('refuses a remote timestamp too far ahead of the wall clock, and stays unchanged', () => {
    const local = 1_700_000_000_000;
    const clock = createHybridLogicalClock({ now: () => local, maxSkewMs: 60_000 });
    clock.tick();
    const before = clock.state();
    const remote = formatHlc({ wallMs: local + 60_001, counter: 0 });
    let caught: unknown;
    try {
      clock.receive(remote);
    } catch (error) {
      caught = error;
    }
    expect(ClockSkewError.isInstance(caught)).toBe(true);
    const error = caught as ClockSkewError;
    expect(error).toMatchObject({
      remote,
      remoteWallMs: local + 60_001,
      localWallMs: local,
      maxSkewMs: 60_000,
    });
    // 60.001 s is past the limit, and the message says so: never "60 s ahead, at most 60 allowed".
    expect(error.message).toMatch(/61 s ahead of this device's clock.*at most 60 s allowed/);
    expect(clock.state()).toEqual(before);
    // Exactly at the limit is accepted.
    expect(clock.receive(formatHlc({ wallMs: local + 60_000, counter: 0 }))).toBe(
      formatHlc({ wallMs: local + 60_000, counter: 1 }),
    );
  });

  it('defaults to five minutes of allowed skew', () => {
    const clock = createHybridLogicalClock({ now: () => 0 });
    expect(() => clock.receive(formatHlc({ wallMs: 300_000, counter: 0 }))).not.toThrow();
    expect(() => clock.receive(formatHlc({ wallMs: 300_001, counter: 0 }))).toThrow(ClockSkewError);
  });
});

describe('observe', () => {
  it('advances to a newer persisted state and ignores an older one', () => {
    const clock = createHybridLogicalClock({ now: () => 10 });
    clock.observe({ wallMs: 5_000, counter: 7 });
    expect(clock.state()).toEqual({ wallMs: 5_000, counter: 7 });
    clock.observe({ wallMs: 4_000, counter: 9 });
    expect(clock.state()).toEqual({ wallMs: 5_000, counter: 7 });
    expect(clock.tick()).toBe(formatHlc({ wallMs: 5_000, counter: 8 }));
  });
});

describe('monotonicity (property)', () => {
  type Step =
    | { type: 'tick'; now: number }
    | { type: 'receive'; now: number; remote: HlcState }
    | { type: 'observe'; now: number; state: HlcState };

  const now = fc.integer({ min: 0, max: 1_000_000 });
  const smallState = fc.record({
    wallMs: fc.integer({ min: 0, max: 1_000_000 }),
    counter: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(MAX_HLC_COUNTER)),
  });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ type: fc.constant('tick' as const), now }),
    fc.record({ type: fc.constant('receive' as const), now, remote: smallState }),
    fc.record({ type: fc.constant('observe' as const), now, state: smallState }),
  );

  it('never issues a timestamp twice or out of order, whatever the wall clock does', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        let wall = 0;
        const clock = createHybridLogicalClock({ now: () => wall, maxSkewMs: 10_000 });
        let last = clock.state();
        for (const current of steps) {
          wall = current.now;
          if (current.type === 'observe') {
            clock.observe(current.state);
            const after = clock.state();
            expect(compareHlc(formatHlc(after), formatHlc(last))).toBeGreaterThanOrEqual(0);
            expect(compareHlc(formatHlc(after), formatHlc(current.state))).toBeGreaterThanOrEqual(
              0,
            );
            last = after;
            continue;
          }
          let issued: string;
          if (current.type === 'tick') {
            issued = clock.tick();
          } else {
            const remote = formatHlc(current.remote);
            if (current.remote.wallMs - wall > 10_000) {
              expect(() => clock.receive(remote)).toThrow(ClockSkewError);
              expect(clock.state()).toEqual(last);
              continue;
            }
            issued = clock.receive(remote);
            expect(compareHlc(issued, remote)).toBeGreaterThan(0);
          }
          expect(compareHlc(issued, formatHlc(last))).toBeGreaterThan(0);
          expect(parseHlc(issued).wallMs).toBeGreaterThanOrEqual(wall);
          expect(formatHlc(clock.state())).toBe(issued);
          last = clock.state();
        }
      }),
      { numRuns: 300 },
    );
  });
});
