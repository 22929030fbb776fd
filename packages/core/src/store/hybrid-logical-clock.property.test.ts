import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, PROJECT, type TestStore } from '../sync/__fixtures__/sync-fixtures.js';
import { ClockSkewError } from './clock-skew-error.js';
import { openDatabase } from './database.js';
import {
  compareHlc,
  createHybridLogicalClock,
  DEFAULT_MAX_SKEW_MS,
  formatHlc,
  MAX_HLC_COUNTER,
  parseHlc,
  type HlcState,
  type HybridLogicalClock,
} from './hybrid-logical-clock.js';
import { MetaKey, readMeta } from './meta.js';
import { openStore } from './store.js';
import type { StoredOp } from './stored-op.js';
import {
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';

// T2 of reference/sync-notes.md §5.3: properties of the hybrid logical clock, on its own (500 runs
// of 50–150 steps, with the wall clock jumping by up to ±5 s and by up to ±1 h) and inside a real
// store, where its state is persisted with each op and read back on reopen. fast-check prints the
// seed and path of any failure; replay with fc.assert(…, { seed, path }).

const SECOND = 1000;
const HOUR = 3_600_000;
const MAX_SKEW_MS = DEFAULT_MAX_SKEW_MS;
/** Around 2026, far from both ends of the 48-bit range. */
const wallClock = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });

type ClockStep =
  /** A local event: the clock issues a timestamp. */
  | { type: 'send' }
  /** A remote timestamp arrives, `offset` from this wall clock. */
  | { type: 'receive'; offset: number; counter: number }
  /** The process restarts from the state persisted with its last timestamp. */
  | { type: 'restart' }
  | { type: 'jump'; milliseconds: number };

const counter = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: MAX_HLC_COUNTER - 2, max: MAX_HLC_COUNTER }),
);
const clockStep = (jump: number): fc.Arbitrary<ClockStep> =>
  fc.oneof(
    { arbitrary: fc.constant({ type: 'send' as const }), weight: 4 },
    {
      arbitrary: fc.record({
        type: fc.constant('receive' as const),
        // Near the local time, near the skew limit on either side, or anywhere within the jumps.
        offset: fc.oneof(
          fc.integer({ min: -5, max: 5 }),
          fc.integer({ min: MAX_SKEW_MS - 2, max: MAX_SKEW_MS + 2 }),
          fc.integer({ min: -jump, max: jump }),
        ),
        counter,
      }),
      weight: 3,
    },
    { arbitrary: fc.constant({ type: 'restart' as const }), weight: 1 },
    {
      arbitrary: fc.record({
        type: fc.constant('jump' as const),
        milliseconds: fc.integer({ min: -jump, max: jump }),
      }),
      weight: 2,
    },
  );

/** Runs `work`, which must throw a `ClockSkewError`, and returns the error. */
function skewError(work: () => unknown): ClockSkewError {
  try {
    work();
  } catch (error) {
    if (ClockSkewError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ClockSkewError');
}

/** The error says what was refused, by how much, and what to do about it. */
function expectClearSkewError(error: ClockSkewError, remoteWallMs: number, localWallMs: number) {
  expect(error).toMatchObject({ remoteWallMs, localWallMs, maxSkewMs: MAX_SKEW_MS });
  const aheadSeconds = Math.ceil((remoteWallMs - localWallMs) / SECOND);
  // Never "300 s ahead, at most 300 s allowed": the figure shown is past the limit.
  expect(aheadSeconds).toBeGreaterThan(MAX_SKEW_MS / SECOND);
  expect(error.message).toBe(
    `refused a timestamp ${aheadSeconds} s ahead of this ` +
      `device's clock (remote ${new Date(remoteWallMs).toISOString()}, local ` +
      `${new Date(localWallMs).toISOString()}, at most ${MAX_SKEW_MS / SECOND} s allowed): ` +
      'check the date and time settings of both devices',
  );
}

describe.each([
  { scale: '±5 s', jump: 5 * SECOND },
  { scale: '±1 h', jump: HOUR },
])('T2: the clock alone, wall clock jumping $scale', ({ jump }) => {
  it('issues strictly increasing timestamps across send, receive and restart; refuses too-far remotes unchanged', () => {
    fc.assert(
      fc.property(
        wallClock,
        fc.array(clockStep(jump), { minLength: 50, maxLength: 150 }),
        (start, steps) => {
          let wall = start;
          const now = () => wall;
          let persisted: HlcState | undefined;
          const open = (): HybridLogicalClock =>
            createHybridLogicalClock({
              now,
              maxSkewMs: MAX_SKEW_MS,
              ...(persisted === undefined ? {} : { initial: persisted }),
            });
          let clock = open();
          /** The newest timestamp the clock issued: every later one must be greater. */
          let last = formatHlc(clock.state());
          const issued = (timestamp: string) => {
            expect(compareHlc(timestamp, last), `${timestamp} after ${last}`).toBeGreaterThan(0);
            expect(parseHlc(timestamp).wallMs).toBeGreaterThanOrEqual(wall);
            expect(formatHlc(clock.state())).toBe(timestamp);
            last = timestamp;
            persisted = clock.state();
          };
          for (const step of steps) {
            if (step.type === 'jump') wall = Math.max(0, wall + step.milliseconds);
            else if (step.type === 'restart') {
              clock = open();
              expect(formatHlc(clock.state())).toBe(
                formatHlc(persisted ?? { wallMs: 0, counter: 0 }),
              );
            } else if (step.type === 'send') issued(clock.tick());
            else {
              const remote = { wallMs: Math.max(0, wall + step.offset), counter: step.counter };
              const text = formatHlc(remote);
              if (remote.wallMs - wall > MAX_SKEW_MS) {
                const before = clock.state();
                expectClearSkewError(
                  skewError(() => clock.receive(text)),
                  remote.wallMs,
                  wall,
                );
                expect(clock.state()).toEqual(before);
                continue;
              }
              const received = clock.receive(text);
              // Greater than both: anything written after this receive wins over the remote op.
              expect(compareHlc(received, text)).toBeGreaterThan(0);
              issued(received);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('T2: receive', () => {
  it('within the skew limit returns a timestamp after the local state, the remote one and the wall clock', () => {
    fc.assert(
      fc.property(
        wallClock,
        fc.record({ wallMs: fc.integer({ min: -HOUR, max: HOUR }), counter }),
        fc.record({ wallMs: fc.integer({ min: -HOUR, max: MAX_SKEW_MS }), counter }),
        (wall, localOffset, remoteOffset) => {
          const local = { wallMs: wall + localOffset.wallMs, counter: localOffset.counter };
          const remote = formatHlc({
            wallMs: wall + remoteOffset.wallMs,
            counter: remoteOffset.counter,
          });
          const clock = createHybridLogicalClock({ now: () => wall, initial: local });
          const received = clock.receive(remote);
          expect(compareHlc(received, formatHlc(local))).toBeGreaterThan(0);
          expect(compareHlc(received, remote)).toBeGreaterThan(0);
          expect(parseHlc(received).wallMs).toBeGreaterThanOrEqual(wall);
          // The next local event is later still.
          expect(compareHlc(clock.tick(), received)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('beyond the skew limit is refused with a clear error, and the clock does not move', () => {
    fc.assert(
      fc.property(
        wallClock,
        fc.record({ wallMs: fc.integer({ min: -HOUR, max: HOUR }), counter }),
        fc.integer({ min: MAX_SKEW_MS + 1, max: 48 * HOUR }),
        counter,
        (wall, localOffset, ahead, remoteCounter) => {
          const local = { wallMs: wall + localOffset.wallMs, counter: localOffset.counter };
          const clock = createHybridLogicalClock({ now: () => wall, initial: local });
          const twin = createHybridLogicalClock({ now: () => wall, initial: local });
          const remote = formatHlc({ wallMs: wall + ahead, counter: remoteCounter });
          expectClearSkewError(
            skewError(() => clock.receive(remote)),
            wall + ahead,
            wall,
          );
          expect(clock.state()).toEqual(local);
          expect(clock.tick()).toBe(twin.tick());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts past the 16-bit counter into the next millisecond, never repeating', () => {
    fc.assert(
      fc.property(
        wallClock,
        fc.integer({ min: MAX_HLC_COUNTER - 5, max: MAX_HLC_COUNTER }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        (wall, start, receives) => {
          const clock = createHybridLogicalClock({
            now: () => wall,
            initial: { wallMs: wall, counter: start },
          });
          let last = formatHlc(clock.state());
          for (const receive of receives) {
            const next = receive
              ? clock.receive(formatHlc({ wallMs: wall, counter: MAX_HLC_COUNTER }))
              : clock.tick();
            expect(compareHlc(next, last)).toBeGreaterThan(0);
            last = next;
          }
          // Overflow borrows from the next millisecond only as far as it must.
          expect(parseHlc(last).wallMs).toBeLessThanOrEqual(wall + receives.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});

let directory: TemporaryDirectory;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

type StoreStep =
  | { type: 'write'; title: string }
  /** The peer writes with its wall clock `offset` from this one; its file is then imported. */
  | { type: 'import'; offset: number; title: string }
  | { type: 'jump'; milliseconds: number }
  /** Close, check the persisted clock, move the wall clock, open again. */
  | { type: 'reopen'; milliseconds: number };

const title = fc.constantFrom('Use pnpm', 'Use npm', 'Use bun');
const storeStep: fc.Arbitrary<StoreStep> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('write' as const), title }), weight: 4 },
  {
    arbitrary: fc.record({
      type: fc.constant('import' as const),
      offset: fc.oneof(
        fc.integer({ min: -5 * SECOND, max: 5 * SECOND }),
        fc.integer({ min: -HOUR, max: HOUR }),
      ),
      title,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('jump' as const),
      milliseconds: fc.integer({ min: -HOUR, max: HOUR }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('reopen' as const),
      milliseconds: fc.integer({ min: -HOUR, max: HOUR }),
    }),
    weight: 1,
  },
);

const newest = (ops: readonly StoredOp[]) =>
  ops.reduce((max, op) => (compareHlc(op.hlc, max) > 0 ? op.hlc : max), '000000000000-0000');

/** The clock state the store persisted, read from its closed file. */
function persistedClock(path: string): string {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  try {
    return readMeta(db, MetaKey.hybridLogicalClock) ?? '000000000000-0000';
  } finally {
    db.close();
  }
}

describe('T2: the clock inside a store', () => {
  it(
    'local ops strictly increase and follow everything seen; skewed files are refused; the persisted clock never goes back',
    { timeout: 120_000 },
    () => {
      let run = 0;
      fc.assert(
        fc.property(fc.array(storeStep, { minLength: 20, maxLength: 50 }), (steps) => {
          run += 1;
          const local: TestStore = openTestStore(directory, `local-${run}`, {
            start: Date.UTC(2026, 4, 1),
          });
          const peer = openTestStore(directory, `peer-${run}`, { start: Date.UTC(2026, 4, 1) });
          const memory = () => local.store.memory({ projectRoot: PROJECT });
          let persisted = '000000000000-0000';
          try {
            for (const step of steps) {
              const before = local.store.ops();
              if (step.type === 'jump') {
                local.clock.advance(step.milliseconds);
              } else if (step.type === 'reopen') {
                local.store.close();
                const now = persistedClock(local.path);
                expect(compareHlc(now, persisted)).toBeGreaterThanOrEqual(0);
                expect(compareHlc(now, newest(before))).toBeGreaterThanOrEqual(0);
                persisted = now;
                local.clock.advance(step.milliseconds);
                local.store = openStore({
                  path: local.path,
                  keyHex: TEST_KEY,
                  now: local.clock.now,
                });
              } else if (step.type === 'write') {
                const [record] = memory().list();
                if (record === undefined) {
                  memory().add({ title: step.title, body: 'B.', kind: 'fact', status: 'accepted' });
                } else memory().update(record.id, { title: `${step.title} ${before.length}` });
                const own = local.store.ops().filter((op) => op.device === local.store.deviceId);
                const added = own.slice(
                  before.filter((op) => op.device === local.store.deviceId).length,
                );
                expect(added.length).toBeGreaterThan(0);
                // Each new op is after every op the store held, its own and received ones alike.
                let previous = newest(before);
                for (const op of added.sort((a, b) => a.seq - b.seq)) {
                  expect(
                    compareHlc(op.hlc, previous),
                    `${op.hlc} after ${previous}`,
                  ).toBeGreaterThan(0);
                  previous = op.hlc;
                }
              } else {
                peer.clock.set(local.clock.now() + step.offset);
                peer.store.memory({ projectRoot: PROJECT }).add({
                  title: step.title,
                  body: 'From the peer.',
                  kind: 'fact',
                  status: 'accepted',
                });
                const file = peer.store.sync.export();
                const held = new Set(before.map((op) => `${op.device}/${op.seq}`));
                const fresh = peer.store.ops().filter((op) => !held.has(`${op.device}/${op.seq}`));
                const ahead = parseHlc(newest(fresh)).wallMs;
                if (ahead - local.clock.now() > MAX_SKEW_MS) {
                  expectClearSkewError(
                    skewError(() => local.store.sync.import(file.text)),
                    ahead,
                    local.clock.now(),
                  );
                  expect(local.store.ops()).toEqual(before);
                } else {
                  expect(local.store.sync.import(file.text).added).toBe(fresh.length);
                }
              }
            }
            const ops = local.store.ops();
            local.store.close();
            const last = persistedClock(local.path);
            expect(compareHlc(last, persisted)).toBeGreaterThanOrEqual(0);
            expect(compareHlc(last, newest(ops))).toBeGreaterThanOrEqual(0);
          } finally {
            local.store.close();
            peer.store.close();
          }
        }),
        { numRuns: 20 },
      );
    },
  );
});
