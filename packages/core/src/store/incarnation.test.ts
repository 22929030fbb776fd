import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectRebuildEqualsLive, PROJECT } from '../sync/__fixtures__/sync-fixtures.js';
import { openDatabase } from './database.js';
import { compareHlc } from './hybrid-logical-clock.js';
import { incarnationMarkerPath, readPreviousDevices } from './incarnation.js';
import { MetaKey, readMeta } from './meta.js';
import { openStore, type Store } from './store.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';

let directory: TemporaryDirectory;
let open: Store[];
const hour = 60 * 60 * 1000;

beforeEach(() => {
  directory = createTemporaryDirectory();
  open = [];
});
afterEach(() => {
  // After every test, each store still open rebuilds to exactly its live tables.
  for (const store of open) {
    expectRebuildEqualsLive(store);
    store.close();
  }
  directory.remove();
});

const pathOf = (name: string) => join(directory.path, `${name}.db`);

function openAt(path: string, time = Date.UTC(2025, 0, 1)): Store {
  const store = openStore({ path, keyHex: TEST_KEY, now: createFakeClock(time).now });
  open.push(store);
  return store;
}

/** Closes the store (its last connection checkpoints and removes the -wal file). */
function close(store: Store): void {
  store.close();
  open = open.filter((other) => other !== store);
}

/** A file copy of a closed store: the database alone, never its marker. */
function copyStore(from: string, to: string): void {
  expect(existsSync(`${from}-wal`)).toBe(false);
  for (const suffix of ['-wal', '-shm']) rmSync(`${to}${suffix}`, { force: true });
  copyFileSync(from, to);
}

function addRecord(store: Store, title: string) {
  return store.memory({ projectRoot: PROJECT }).add({
    kind: 'convention',
    title,
    body: `${title}, because the team agreed.`,
    status: 'accepted',
    tags: ['build'],
  });
}

const localOps = (store: Store) => store.ops().filter((op) => op.device === store.deviceId);
const newestHlc = (store: Store) => store.ops().at(-1)?.hlc ?? '';

describe('device incarnations', () => {
  it('keeps the device id on a normal first open and reopen, and keeps the marker current', () => {
    const path = pathOf('a');
    const first = openAt(path);
    expect(first.newIncarnation).toBeUndefined();
    const device = first.deviceId;
    addRecord(first, 'Use pnpm');
    const written = localOps(first).length;
    expect(JSON.parse(readFileSync(incarnationMarkerPath(path), 'utf8'))).toEqual({
      device,
      seq: written,
    });
    close(first);

    const again = openAt(path, Date.UTC(2025, 0, 1) + hour);
    expect(again.newIncarnation).toBeUndefined();
    expect(again.deviceId).toBe(device);
    addRecord(again, 'Use vitest');
    expect(localOps(again).map((op) => op.seq)).toEqual(
      Array.from({ length: localOps(again).length }, (_, index) => index + 1),
    );
  });

  it('starts a new incarnation when the file is copied to a new place', () => {
    const original = openAt(pathOf('a'));
    addRecord(original, 'Use pnpm');
    const before = original.deviceId;
    close(original);
    copyStore(pathOf('a'), pathOf('copy'));

    const copy = openAt(pathOf('copy'), Date.UTC(2025, 0, 1) + hour);
    expect(copy.newIncarnation).toEqual({ previous: before, reason: 'marker-missing' });
    expect(copy.deviceId).not.toBe(before);
    const oldOps = copy.ops();
    addRecord(copy, 'Use vitest');
    const fresh = localOps(copy);
    expect(fresh[0]?.seq).toBe(1);
    // Old ops keep their device; the new ones sort after all of them.
    expect(copy.ops().slice(0, oldOps.length)).toEqual(oldOps);
    expect(fresh.every((op) => oldOps.every((old) => compareHlc(op.hlc, old.hlc) > 0))).toBe(true);
    // Said once: the next open of the copy is a normal reopen.
    close(copy);
    const reopened = openAt(pathOf('copy'), Date.UTC(2025, 0, 1) + 2 * hour);
    expect(reopened.newIncarnation).toBeUndefined();
    expect(reopened.deviceId).toBe(fresh[0]?.device);

    const originalAgain = openAt(pathOf('a'), Date.UTC(2025, 0, 1) + hour);
    expect(originalAgain.newIncarnation).toBeUndefined();
    expect(originalAgain.deviceId).toBe(before);
  });

  it('starts a new incarnation when an older copy is restored, with the clock still ahead', () => {
    const path = pathOf('a');
    const store = openAt(path);
    addRecord(store, 'Use pnpm');
    close(store);
    copyStore(path, pathOf('backup'));
    const later = openAt(path, Date.UTC(2025, 0, 1) + hour);
    addRecord(later, 'Use vitest');
    const lostHlc = newestHlc(later);
    const device = later.deviceId;
    close(later);

    copyStore(pathOf('backup'), path);
    // The wall clock is now behind what the lost copy wrote; the restored log is older still.
    const restored = openAt(path, Date.UTC(2025, 0, 1) + 10);
    expect(restored.newIncarnation).toEqual({ previous: device, reason: 'older-copy' });
    expect(restored.deviceId).not.toBe(device);
    const restoredHlc = newestHlc(restored);
    addRecord(restored, 'Use biome');
    expect(localOps(restored)[0]?.seq).toBe(1);
    expect(compareHlc(localOps(restored)[0]?.hlc ?? '', restoredHlc)).toBeGreaterThan(0);
    expect(compareHlc(restoredHlc, lostHlc)).toBeLessThan(0);
  });

  it('starts a new incarnation when another store is copied over this one', () => {
    const mine = openAt(pathOf('a'));
    const theirs = openAt(pathOf('b'));
    addRecord(theirs, 'Use pnpm');
    const theirDevice = theirs.deviceId;
    close(mine);
    close(theirs);
    copyStore(pathOf('b'), pathOf('a'));

    const store = openAt(pathOf('a'));
    expect(store.newIncarnation).toEqual({ previous: theirDevice, reason: 'other-device' });
  });

  it('keeps the previous device ids in meta, oldest first', () => {
    const store = openAt(pathOf('a'));
    addRecord(store, 'Use pnpm');
    const first = store.deviceId;
    close(store);
    rmSync(incarnationMarkerPath(pathOf('a')));
    const second = openAt(pathOf('a'));
    addRecord(second, 'Use vitest');
    close(second);
    rmSync(incarnationMarkerPath(pathOf('a')));
    const third = openAt(pathOf('a'));
    expect(third.newIncarnation?.previous).toBe(second.deviceId);
    close(third);

    const db = openDatabase({ path: pathOf('a'), keyHex: TEST_KEY });
    try {
      expect(readPreviousDevices(db).map((entry) => entry.device)).toEqual([
        first,
        second.deviceId,
      ]);
      expect(readMeta(db, MetaKey.deviceId)).toBe(third.deviceId);
    } finally {
      db.close();
    }
  });

  it('adopts a store written before incarnations existed without a new incarnation', () => {
    const store = openAt(pathOf('a'));
    addRecord(store, 'Use pnpm');
    const device = store.deviceId;
    close(store);
    // What a store from an older Outpost looks like: no marker, and none ever kept.
    const db = openDatabase({ path: pathOf('a'), keyHex: TEST_KEY });
    db.prepare('DELETE FROM meta WHERE key = ?').run(MetaKey.incarnationMarker);
    db.close();
    rmSync(incarnationMarkerPath(pathOf('a')));

    const upgraded = openAt(pathOf('a'));
    expect(upgraded.newIncarnation).toBeUndefined();
    expect(upgraded.deviceId).toBe(device);
    expect(existsSync(incarnationMarkerPath(pathOf('a')))).toBe(true);
  });

  it('T17: a store restored from a backup keeps writing, and every copy converges', () => {
    const path = pathOf('a');
    const a = openAt(path);
    const kept = addRecord(a, 'Use pnpm');
    a.sessions.create({
      title: 'Port to ESM',
      projectRoot: PROJECT,
      provider: 'ollama',
      model: 'q',
    });
    const first = a.sync.export().text;
    close(a);
    copyStore(path, pathOf('backup'));

    const lost = openAt(path, Date.UTC(2025, 0, 1) + hour);
    lost.memory({ projectRoot: PROJECT }).update(kept.id, { title: 'Use pnpm 9' });
    addRecord(lost, 'Use vitest');
    const lostDevice = lost.deviceId;
    const second = lost.sync.export().text;
    const lostOps = lost.ops();
    close(lost);

    copyStore(pathOf('backup'), path);
    const restored = openAt(path, Date.UTC(2025, 0, 1) + 2 * hour);
    expect(restored.newIncarnation).toEqual({ previous: lostDevice, reason: 'older-copy' });
    restored.memory({ projectRoot: PROJECT }).update(kept.id, { title: 'Use pnpm 10' });
    addRecord(restored, 'Use biome');
    // Under the old device id these would have reused the seqs of the lost copy's ops.
    expect(localOps(restored).map((op) => op.seq)[0]).toBe(1);

    const b = openAt(pathOf('b'), Date.UTC(2025, 0, 1) + 2 * hour);
    expect(b.sync.import(first).added).toBe(first.split('\n').length - 2);
    const fromLost = b.sync.import(second);
    expect(fromLost.alreadyPresent).toBe(first.split('\n').length - 2);
    expect(fromLost.added).toBe(lostOps.length - fromLost.alreadyPresent);

    // The restored copy accepts the lost copy's ops: their device is no longer its own.
    const lostIntoRestored = restored.sync.import(second);
    expect(lostIntoRestored.added).toBe(fromLost.added);
    expect(b.sync.import(restored.sync.export().text).added).toBe(localOps(restored).length);
    expect(restored.sync.import(b.sync.export().text).added).toBe(0);

    // Nothing was refused or deduplicated wrongly: each store has every op both copies wrote.
    const everyOp = new Set([...lostOps, ...restored.ops()].map((op) => JSON.stringify(op)));
    expect(restored.ops()).toHaveLength(everyOp.size);
    expect(b.ops()).toEqual(restored.ops());
    expect(b.readMaterializedState()).toEqual(restored.readMaterializedState());
    expect(restored.memory({ projectRoot: PROJECT }).get(kept.id)?.title).toBe('Use pnpm 10');
  });

  // fast-check prints the seed and path of any failure; replay with fc.assert(…, { seed, path }).
  it('T17 over random histories: the restored copy and a peer hold every op of both copies', () => {
    const Write = fc.record({
      record: fc.integer({ min: 0, max: 3 }),
      title: fc.constantFrom('Use pnpm', 'Use npm', 'Use yarn', 'Use bun'),
    });
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(Write, { minLength: 1, maxLength: 4 }),
        fc.array(Write, { minLength: 1, maxLength: 4 }),
        fc.array(Write, { minLength: 1, maxLength: 4 }),
        (beforeBackup, lostWrites, restoredWrites) => {
          run += 1;
          const path = pathOf(`run-${run}-a`);
          const backup = pathOf(`run-${run}-backup`);
          let time = Date.UTC(2025, 0, 1);
          const write = (store: Store, writes: typeof beforeBackup) => {
            const memory = store.memory({ projectRoot: PROJECT });
            for (const { record, title } of writes) {
              const existing = memory.list();
              const target = existing[record];
              if (target === undefined) addRecord(store, title);
              else memory.update(target.id, { title });
            }
          };

          const a = openAt(path, time);
          write(a, beforeBackup);
          const first = a.sync.export().text;
          const backedUp = a.ops().length;
          close(a);
          copyStore(path, backup);
          const lost = openAt(path, (time += hour));
          write(lost, lostWrites);
          const second = lost.sync.export().text;
          const lostOps = lost.ops();
          close(lost);
          copyStore(backup, path);
          const restored = openAt(path, (time += hour));
          // An edit that changes nothing writes no op; with nothing written, nothing can clash.
          const lostWroteOps = lostOps.length > backedUp;
          expect(restored.newIncarnation?.reason).toBe(lostWroteOps ? 'older-copy' : undefined);
          write(restored, restoredWrites);

          const b = openAt(pathOf(`run-${run}-b`), time);
          b.sync.import(first);
          b.sync.import(second);
          restored.sync.import(second);
          b.sync.import(restored.sync.export().text);
          restored.sync.import(b.sync.export().text);

          const everyOp = new Set([...lostOps, ...restored.ops()].map((op) => JSON.stringify(op)));
          expect(restored.ops()).toHaveLength(everyOp.size);
          expect(b.ops()).toEqual(restored.ops());
          expect(b.readMaterializedState()).toEqual(restored.readMaterializedState());
          for (const store of [restored, b]) {
            expectRebuildEqualsLive(store);
            close(store);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
