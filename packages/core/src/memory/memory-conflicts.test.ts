import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/memory-error.js';
import { openDatabase, writeTransaction } from '../store/database.js';
import { insertOp } from '../store/op-log.js';
import {
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import type { Store } from '../store/store.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  PROJECT,
  type TestStore,
} from '../sync/__fixtures__/sync-fixtures.js';

// The `conflicted` flag (docs/architecture/sync.md, "Conflicts"): concurrent writes of a field,
// flagged the same on every replica whatever order the ops arrive in, resolved by a pick or an
// edit, which is itself an op.

let directory: TemporaryDirectory;
let a: TestStore;
let b: TestStore;
let c: TestStore;
beforeEach(() => {
  directory = createTemporaryDirectory();
  a = openTestStore(directory, 'a');
  b = openTestStore(directory, 'b');
  c = openTestStore(directory, 'c');
});
afterEach(() => {
  for (const each of [a, b, c]) each.store.close();
  directory.remove();
});

const memoryOf = (store: Store) => store.memory({ projectRoot: PROJECT });

/** A record made on A and shared with B and C. */
function sharedRecord() {
  const record = memoryOf(a.store).add({
    kind: 'convention',
    title: 'Use pnpm',
    body: 'The lock file is pnpm-lock.yaml.',
    status: 'accepted',
  });
  exchange(a.store, b.store);
  exchange(a.store, c.store);
  return record.id;
}

/** A and B both retitle the record without seeing each other's edit; B's is the later one. */
function concurrentTitles(id: string) {
  a.clock.advance(1_000);
  memoryOf(a.store).update(id, { title: 'Use pnpm 9' });
  b.clock.advance(2_000);
  memoryOf(b.store).update(id, { title: 'Use pnpm, never npm' });
}

function expectSameEverywhere(...stores: Store[]) {
  const [first, ...others] = stores.map((store) => store.readMaterializedState());
  for (const other of others) expect(other).toEqual(first);
  for (const store of stores) expectRebuildEqualsLive(store);
}

describe('conflicted records', () => {
  for (const order of ['A then B', 'B then A'] as const) {
    it(`flags concurrent edits of a field on both replicas (files exchanged ${order})`, () => {
      const id = sharedRecord();
      concurrentTitles(id);
      if (order === 'A then B') {
        exchange(a.store, b.store);
        exchange(b.store, a.store);
      } else {
        exchange(b.store, a.store);
        exchange(a.store, b.store);
      }

      for (const store of [a.store, b.store]) {
        const record = memoryOf(store).get(id);
        expect(record).toMatchObject({ title: 'Use pnpm, never npm', conflicted: true });
        expect(
          memoryOf(store)
            .list()
            .find((each) => each.id === id)?.conflicted,
        ).toBe(true);
        expect(memoryOf(store).conflicts(id)).toEqual([
          {
            field: 'title',
            alternatives: [
              {
                choice: 1,
                value: 'Use pnpm, never npm',
                device: b.store.deviceId,
                hlc: expect.any(String) as string,
                time: b.clock.now(),
                current: true,
              },
              {
                choice: 2,
                value: 'Use pnpm 9',
                device: a.store.deviceId,
                hlc: expect.any(String) as string,
                time: a.clock.now(),
                current: false,
              },
            ],
          },
        ]);
      }
      expectSameEverywhere(a.store, b.store);
    });
  }

  it('a pick is an op: it clears the flag on every replica, and the loser stays in history', () => {
    const id = sharedRecord();
    concurrentTitles(id);
    exchange(a.store, b.store);
    exchange(b.store, a.store);

    a.clock.advance(5_000);
    const picked = memoryOf(a.store).pick(id, 'title', 2);
    expect(picked).toMatchObject({ title: 'Use pnpm 9', conflicted: false });
    const pick = a.store.ops().at(-2);
    expect(pick).toMatchObject({ field: 'title', value: 'Use pnpm 9' });
    // Its base names both values it resolves.
    expect(pick?.base).toHaveLength(2);
    expect(b.store.memory({ projectRoot: PROJECT }).get(id)?.conflicted).toBe(true);

    exchange(a.store, b.store);
    for (const store of [a.store, b.store]) {
      expect(memoryOf(store).get(id)).toMatchObject({ title: 'Use pnpm 9', conflicted: false });
      expect(memoryOf(store).conflicts(id)).toEqual([]);
      const lost = store
        .readMaterializedState()
        .field_history.filter((row) => row.field === 'title')
        .map((row) => JSON.parse(row.value as string) as string);
      expect(lost.sort()).toEqual(['Use pnpm', 'Use pnpm 9', 'Use pnpm, never npm']);
    }
    expectSameEverywhere(a.store, b.store);
  });

  it('an edit of the conflicted field resolves it too, even with the current value', () => {
    const id = sharedRecord();
    concurrentTitles(id);
    exchange(a.store, b.store);
    exchange(b.store, a.store);
    const before = a.store.ops().length;
    expect(memoryOf(a.store).update(id, { title: 'Use pnpm, never npm' }).conflicted).toBe(false);
    expect(
      a.store
        .ops()
        .slice(before)
        .map((op) => op.field),
    ).toEqual(['title', 'updatedAt']);
    exchange(a.store, b.store);
    expect(memoryOf(b.store).get(id)?.conflicted).toBe(false);
    expectSameEverywhere(a.store, b.store);
  });

  it('refuses a pick that has nothing to pick, and changes nothing', () => {
    const id = sharedRecord();
    const ops = a.store.ops();
    expect(() => memoryOf(a.store).pick(id, 'title', 1)).toThrow(MemoryError);
    expect(() => memoryOf(a.store).pick(id, 'title', 1)).toThrow(/title is not conflicted/);
    expect(() => memoryOf(a.store).pick(id, 'updatedAt', 1)).toThrow(
      /"updatedAt" is not a field that can conflict/,
    );
    concurrentTitles(id);
    exchange(b.store, a.store);
    expect(() => memoryOf(a.store).pick(id, 'title', 3)).toThrow(/choose one of 1-2, not 3/);
    expect(a.store.ops()).toHaveLength(ops.length + 4);
  });

  it('does not flag sequential edits, edits of different fields, or the same value twice', () => {
    const id = sharedRecord();
    // B edits after seeing A's edit: an ordinary later write.
    memoryOf(a.store).update(id, { title: 'Use pnpm 9' });
    exchange(a.store, b.store);
    b.clock.advance(1_000);
    memoryOf(b.store).update(id, { title: 'Use pnpm 10' });
    // Concurrently, A changes the body and C the tags (and both bump updatedAt).
    a.clock.advance(2_000);
    memoryOf(a.store).update(id, { body: 'Never npm.' });
    c.clock.advance(3_000);
    memoryOf(c.store).update(id, { tags: ['build'] });
    // A and C both accept-then-retire to the same status: equal values are no conflict.
    memoryOf(a.store).setStatus(id, 'retired');
    memoryOf(c.store).setStatus(id, 'retired');
    for (const from of [a, b, c])
      for (const to of [a, b, c]) if (from !== to) exchange(from.store, to.store);

    for (const store of [a.store, b.store, c.store]) {
      expect(memoryOf(store).get(id)).toMatchObject({
        title: 'Use pnpm 10',
        body: 'Never npm.',
        tags: ['build'],
        status: 'retired',
        conflicted: false,
      });
    }
    expectSameEverywhere(a.store, b.store, c.store);
  });

  it('stays flagged when a third device writes over one value without having seen the other', () => {
    // A and B conflict; C hears only of B's value and edits it. A's value was never seen by
    // anyone who wrote after it, so it is still an open alternative to C's title.
    const id = sharedRecord();
    concurrentTitles(id);
    exchange(b.store, c.store);
    c.clock.advance(10_000);
    memoryOf(c.store).update(id, { title: 'Use pnpm (from C)' });
    expect(memoryOf(c.store).get(id)?.conflicted).toBe(false);
    for (const from of [a, b, c])
      for (const to of [a, b, c]) if (from !== to) exchange(from.store, to.store);

    for (const store of [a.store, b.store, c.store]) {
      const [conflict] = memoryOf(store).conflicts(id);
      expect(conflict?.alternatives.map((each) => each.value)).toEqual([
        'Use pnpm (from C)',
        'Use pnpm 9',
      ]);
    }
    expectSameEverywhere(a.store, b.store, c.store);
  });

  it('does not flag ops written before bases existed', () => {
    // Two edits of the same title without a base (as an older Outpost wrote them): they count
    // as having seen every earlier op of their field, as the merge always treated them.
    const id = sharedRecord();
    const db = openDatabase({ path: a.path, keyHex: TEST_KEY });
    try {
      writeTransaction(db, () => {
        for (const [seq, title, hlc] of [
          [1, 'Old edit 1', '01a000000000-0000'],
          [2, 'Old edit 2', '01a000000000-0001'],
        ] as const) {
          insertOp(db, {
            device: 'older-outpost',
            seq,
            hlc,
            space: a.store.userSpace,
            kind: 'memory',
            record: id,
            field: 'title',
            value: title,
          });
        }
      });
    } finally {
      db.close();
    }
    expect(memoryOf(a.store).get(id)).toMatchObject({ title: 'Old edit 2', conflicted: false });
    expectRebuildEqualsLive(a.store);
  });
});
