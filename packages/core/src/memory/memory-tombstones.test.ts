import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/not-found-error.js';
import {
  createTemporaryDirectory,
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

// `$deleted` tombstones (docs/architecture/memory.md, "Deleting"): a last-writer-wins field; the
// record is hidden while its `true` is newer than every other field's winner, and kept.

let directory: TemporaryDirectory;
let a: TestStore;
let b: TestStore;
beforeEach(() => {
  directory = createTemporaryDirectory();
  a = openTestStore(directory, 'a');
  b = openTestStore(directory, 'b');
});
afterEach(() => {
  a.store.close();
  b.store.close();
  directory.remove();
});

const memoryOf = (store: Store) => store.memory({ projectRoot: PROJECT });

function sharedRecord() {
  const record = memoryOf(a.store).add({
    kind: 'fix',
    title: 'Retry the flaky network test',
    body: 'The fixture server starts slowly.',
    status: 'accepted',
  });
  exchange(a.store, b.store);
  return record.id;
}

const visibleIds = (store: Store) =>
  memoryOf(store)
    .list()
    .map((record) => record.id);
const bothWays = () => {
  exchange(a.store, b.store);
  exchange(b.store, a.store);
};

function expectConverged() {
  expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
  expectRebuildEqualsLive(a.store);
  expectRebuildEqualsLive(b.store);
}

describe('deleting memory records', () => {
  it('hides a deleted record from list, recall, get and edits, and keeps it', () => {
    const id = sharedRecord();
    a.clock.advance(1_000);
    const deleted = memoryOf(a.store).delete(id);
    expect(deleted).toMatchObject({ id, deleted: true, title: 'Retry the flaky network test' });
    expect(a.store.ops().at(-1)).toMatchObject({ field: '$deleted', value: true });

    const memory = memoryOf(a.store);
    expect(visibleIds(a.store)).toEqual([]);
    expect(memory.recall('flaky network')).toEqual([]);
    expect(memory.get(id)).toBeUndefined();
    expect(memory.get(id, { includeDeleted: true })?.deleted).toBe(true);
    expect(() => memory.resolveId(id.slice(0, 8))).toThrow(NotFoundError);
    expect(memory.resolveId(id.slice(0, 8), { includeDeleted: true })).toBe(id);
    expect(() => memory.update(id, { title: 'x' })).toThrow(/is deleted; restore it to change it/);
    expect(() => memory.delete(id)).toThrow(/is deleted/);
    // The row and every value are still there.
    expect(a.store.readMaterializedState().memory).toHaveLength(1);

    exchange(a.store, b.store);
    expect(visibleIds(b.store)).toEqual([]);
    expectConverged();
  });

  it('restores a deleted record with a later $deleted: false', () => {
    const id = sharedRecord();
    memoryOf(a.store).delete(id);
    a.clock.advance(1_000);
    expect(memoryOf(a.store).restore(id)).toMatchObject({ id, deleted: false });
    expect(visibleIds(a.store)).toEqual([id]);
    // Restoring a visible record writes nothing.
    const count = a.store.ops().length;
    memoryOf(a.store).restore(id);
    expect(a.store.ops()).toHaveLength(count);
    bothWays();
    expect(visibleIds(b.store)).toEqual([id]);
    expectConverged();
  });

  it('a later edit elsewhere brings a deleted record back, in either exchange order', () => {
    for (const editFirst of [true, false]) {
      const id = sharedRecord();
      a.clock.advance(1_000);
      memoryOf(a.store).delete(id);
      b.clock.advance(2_000);
      memoryOf(b.store).update(id, { body: 'Start the server before the tests.' });
      if (editFirst) exchange(b.store, a.store);
      else exchange(a.store, b.store);
      bothWays();

      for (const store of [a.store, b.store]) {
        expect(memoryOf(store).get(id)).toMatchObject({
          body: 'Start the server before the tests.',
          deleted: false,
        });
      }
      expectConverged();
    }
  });

  it('a later delete wins over an earlier concurrent edit', () => {
    const id = sharedRecord();
    b.clock.advance(1_000);
    memoryOf(b.store).update(id, { title: 'Retry the network test once' });
    a.clock.advance(2_000);
    memoryOf(a.store).delete(id);
    bothWays();
    for (const store of [a.store, b.store]) {
      expect(visibleIds(store)).toEqual([]);
      // The edit is not lost: it is the title of the kept tombstone record.
      expect(memoryOf(store).get(id, { includeDeleted: true })?.title).toBe(
        'Retry the network test once',
      );
    }
    expectConverged();
  });

  it('a status change after the delete also brings it back; a delete after that hides it again', () => {
    const id = sharedRecord();
    a.clock.advance(1_000);
    memoryOf(a.store).delete(id);
    b.clock.advance(2_000);
    memoryOf(b.store).setStatus(id, 'retired');
    bothWays();
    expect(memoryOf(a.store).get(id)?.status).toBe('retired');
    a.clock.advance(5_000);
    memoryOf(a.store).delete(id);
    bothWays();
    expect(visibleIds(a.store)).toEqual([]);
    expect(visibleIds(b.store)).toEqual([]);
    expectConverged();
  });
});
