import type { HlcTimestamp } from '@outpost/protocol';
import { ClockSkewError } from './clock-skew-error.js';

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014), as in
 * reference/sync-notes.md §4.2: 48 bits of wall-clock milliseconds and a 16-bit counter. Pure: the
 * wall clock is injected and nothing is persisted here; the op log persists `state()` in the same
 * transaction as each op and feeds it back through `observe`.
 */
export interface HlcState {
  /** Milliseconds since the Unix epoch, at most 48 bits. */
  wallMs: number;
  /** Logical counter, at most 16 bits. */
  counter: number;
}

export interface HybridLogicalClock {
  /** A timestamp for a local event, greater than every timestamp this clock issued or received. */
  tick(): HlcTimestamp;
  /**
   * Merges a timestamp from another device and returns one greater than both. Throws
   * `ClockSkewError` (leaving the clock unchanged) if `remote` is more than `maxSkewMs` ahead of
   * the local wall clock.
   */
  receive(remote: HlcTimestamp): HlcTimestamp;
  state(): HlcState;
  /** Advances the clock to at least `state` (a persisted state, or another process's). */
  observe(state: HlcState): void;
}

export interface HybridLogicalClockOptions {
  now: () => number;
  /** How far ahead of the local wall clock a remote timestamp may be; default 5 minutes. */
  maxSkewMs?: number;
  initial?: HlcState;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
export const MAX_HLC_WALL_MS = 2 ** 48 - 1;
export const MAX_HLC_COUNTER = 0xffff;

const hlcPattern = /^([0-9a-f]{12})-([0-9a-f]{4})$/;

export function createHybridLogicalClock(options: HybridLogicalClockOptions): HybridLogicalClock {
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  let current: HlcState = { wallMs: 0, counter: 0 };
  if (options.initial !== undefined) current = checkState(options.initial);

  const physicalTime = (): number => {
    const time = options.now();
    if (!Number.isFinite(time)) throw new RangeError(`the wall clock returned ${time}`);
    return Math.max(0, Math.floor(time));
  };

  /** Applies the 16-bit counter limit: on overflow the clock moves to the next millisecond. */
  const settle = (wallMs: number, counter: number): HlcTimestamp => {
    current = counter > MAX_HLC_COUNTER ? { wallMs: wallMs + 1, counter: 0 } : { wallMs, counter };
    return formatHlc(current);
  };

  return {
    tick() {
      const wallMs = Math.max(current.wallMs, physicalTime());
      return settle(wallMs, wallMs === current.wallMs ? current.counter + 1 : 0);
    },

    receive(remoteTimestamp) {
      const remote = parseHlc(remoteTimestamp);
      const physical = physicalTime();
      if (remote.wallMs - physical > maxSkewMs) {
        throw new ClockSkewError({
          remote: remoteTimestamp,
          remoteWallMs: remote.wallMs,
          localWallMs: physical,
          maxSkewMs,
        });
      }
      const wallMs = Math.max(current.wallMs, remote.wallMs, physical);
      let counter = 0;
      if (wallMs === current.wallMs && wallMs === remote.wallMs) {
        counter = Math.max(current.counter, remote.counter) + 1;
      } else if (wallMs === current.wallMs) {
        counter = current.counter + 1;
      } else if (wallMs === remote.wallMs) {
        counter = remote.counter + 1;
      }
      return settle(wallMs, counter);
    },

    state() {
      return { ...current };
    },

    observe(state) {
      const observed = checkState(state);
      if (compareHlcState(observed, current) > 0) current = observed;
    },
  };
}

/** `wwwwwwwwwwww-cccc`: fixed-width lowercase hex, so string order is time order. */
export function formatHlc(state: HlcState): HlcTimestamp {
  const { wallMs, counter } = checkState(state);
  return `${wallMs.toString(16).padStart(12, '0')}-${counter.toString(16).padStart(4, '0')}`;
}

export function parseHlc(timestamp: string): HlcState {
  const match = hlcPattern.exec(timestamp);
  if (match === null) {
    throw new RangeError(
      `'${timestamp}' is not a hybrid logical clock timestamp like 0195f2a3b4c5-0000`,
    );
  }
  return {
    wallMs: Number.parseInt(match[1] ?? '', 16),
    counter: Number.parseInt(match[2] ?? '', 16),
  };
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return compareHlcState(parseHlc(a), parseHlc(b));
}

function compareHlcState(a: HlcState, b: HlcState): number {
  return Math.sign(a.wallMs - b.wallMs || a.counter - b.counter);
}

function checkState(state: HlcState): HlcState {
  const { wallMs, counter } = state;
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > MAX_HLC_WALL_MS) {
    throw new RangeError(`hybrid logical clock wall time ${wallMs} is outside 0..2^48-1`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_HLC_COUNTER) {
    throw new RangeError(`hybrid logical clock counter ${counter} is outside 0..65535`);
  }
  return { wallMs, counter };
}
