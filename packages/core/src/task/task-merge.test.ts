import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { compareTaskStatus } from './task-fields.js';

// Tasks on two replicas (docs/architecture/tasks.md): status merges by rank
// (epoch, isTerminal, hlc, device); the other fields are last-writer-wins with the conflicted
// flag; `$deleted` as for memory records.

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

const tasksOf = (store: Store) => store.tasks({ projectRoot: PROJECT });

function sharedTask() {
  const task = tasksOf(a.store).add({ title: 'Port the parser', labels: ['esm'] });
  exchange(a.store, b.store);
  return task.id;
}

function exchangeBothWays(first: 'a' | 'b') {
  const [x, y] = first === 'a' ? [a, b] : [b, a];
  exchange(x.store, y.store);
  exchange(y.store, x.store);
}

function expectConverged() {
  expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
  expectRebuildEqualsLive(a.store);
  expectRebuildEqualsLive(b.store);
}

describe('task status merge', () => {
  it('ranks by epoch, then terminal over open; time decides the rest', () => {
    const rank = (state: 'queued' | 'in_progress' | 'done' | 'failed', epoch: number) => ({
      state,
      epoch,
    });
    expect(compareTaskStatus(rank('done', 0), rank('in_progress', 0))).toBeGreaterThan(0);
    expect(compareTaskStatus(rank('queued', 1), rank('done', 0))).toBeGreaterThan(0);
    expect(compareTaskStatus(rank('failed', 0), rank('done', 0))).toBe(0);
    expect(compareTaskStatus(rank('queued', 0), rank('in_progress', 0))).toBe(0);
  });

  for (const first of ['a', 'b'] as const) {
    it(`a stale in_progress from the same epoch cannot undo done (${first} sends first)`, () => {
      const id = sharedTask();
      a.clock.advance(1_000);
      tasksOf(a.store).transition(id, 'done');
      // B, not having heard of it, starts the task later in time.
      b.clock.advance(5_000);
      tasksOf(b.store).transition(id, 'start');
      exchangeBothWays(first);

      for (const store of [a.store, b.store]) {
        const task = tasksOf(store).get(id);
        expect(task?.status).toEqual({ state: 'done', epoch: 0 });
        // Status is merged by rank, never flagged; the losing in_progress is kept in history.
        expect(task?.conflicted).toBe(false);
        const lost = store
          .readMaterializedState()
          .field_history.filter((row) => row.kind === 'task' && row.field === 'status')
          .map((row) => JSON.parse(row.value as string) as unknown);
        expect(lost).toContainEqual({ state: 'in_progress', epoch: 0 });
      }
      expectConverged();
    });
  }

  it('is monotone within an epoch: queued → in_progress → done, whatever the delivery order', () => {
    const id = sharedTask();
    a.clock.advance(1_000);
    tasksOf(a.store).transition(id, 'start');
    a.clock.advance(1_000);
    tasksOf(a.store).transition(id, 'done');
    // B only ever saw the task queued, and blocks it much later.
    b.clock.advance(60_000);
    tasksOf(b.store).transition(id, 'block');
    exchangeBothWays('b');
    expect(tasksOf(a.store).get(id)?.status).toEqual({ state: 'done', epoch: 0 });
    expectConverged();
  });

  it('reopen starts the next epoch, which outranks a done from the epoch before', () => {
    const id = sharedTask();
    tasksOf(a.store).transition(id, 'fail');
    exchange(a.store, b.store);
    b.clock.advance(1_000);
    expect(tasksOf(b.store).transition(id, 'reopen').status).toEqual({ state: 'queued', epoch: 1 });
    // A, offline, reopens it too (the same epoch 1) and finishes it.
    a.clock.advance(10_000);
    tasksOf(a.store).transition(id, 'reopen');
    tasksOf(a.store).transition(id, 'done');
    exchangeBothWays('a');
    // A's reopen and done are epoch 1 too; done is terminal: it wins over B's queued.
    expect(tasksOf(b.store).get(id)?.status).toEqual({ state: 'done', epoch: 1 });
    b.clock.advance(60_000);
    expect(tasksOf(b.store).transition(id, 'reopen').status).toEqual({ state: 'queued', epoch: 2 });
    exchangeBothWays('b');
    expect(tasksOf(a.store).get(id)?.status).toEqual({ state: 'queued', epoch: 2 });
    expectConverged();
  });

  it('a stale terminal state from the epoch before loses to a reopen, even when later', () => {
    const id = sharedTask();
    tasksOf(a.store).transition(id, 'start');
    exchange(a.store, b.store);
    b.clock.advance(1_000);
    tasksOf(b.store).transition(id, 'done');
    tasksOf(b.store).transition(id, 'reopen');
    // A, still in epoch 0, gives up on its run much later.
    a.clock.advance(60_000);
    tasksOf(a.store).transition(id, 'fail');
    exchangeBothWays('a');
    expect(tasksOf(a.store).get(id)?.status).toEqual({ state: 'queued', epoch: 1 });
    expectConverged();
  });

  it('flags concurrent edits of other fields, and a pick clears the flag on both', () => {
    const id = sharedTask();
    a.clock.advance(1_000);
    tasksOf(a.store).update(id, { priority: 0, labels: ['esm', 'urgent'] });
    b.clock.advance(2_000);
    tasksOf(b.store).update(id, { priority: 4 });
    exchangeBothWays('a');
    for (const store of [a.store, b.store]) {
      expect(tasksOf(store).get(id)).toMatchObject({
        priority: 4,
        labels: ['esm', 'urgent'],
        conflicted: true,
      });
      expect(
        tasksOf(store)
          .conflicts(id)
          .map((conflict) => conflict.field),
      ).toEqual(['priority']);
    }
    a.clock.advance(5_000);
    expect(tasksOf(a.store).pick(id, 'priority', 2)).toMatchObject({
      priority: 0,
      conflicted: false,
    });
    exchange(a.store, b.store);
    expect(tasksOf(b.store).get(id)).toMatchObject({ priority: 0, conflicted: false });
    expectConverged();
  });

  it('deletes with a tombstone: a later edit brings the task back, a later delete wins', () => {
    const id = sharedTask();
    a.clock.advance(1_000);
    tasksOf(a.store).delete(id);
    b.clock.advance(2_000);
    tasksOf(b.store).transition(id, 'start');
    exchangeBothWays('a');
    expect(tasksOf(a.store).get(id)?.status.state).toBe('in_progress');

    // B edits the title and finishes the task; A deletes it later, not having seen either.
    b.clock.advance(5_000);
    tasksOf(b.store).update(id, { title: 'Port the parser to ESM' });
    tasksOf(b.store).transition(id, 'done');
    a.clock.advance(60_000);
    tasksOf(a.store).delete(id);
    exchangeBothWays('b');
    for (const store of [a.store, b.store]) {
      expect(tasksOf(store).list({ all: true })).toEqual([]);
      // Nothing is lost: the tombstone keeps the last values.
      expect(tasksOf(store).get(id, { includeDeleted: true })).toMatchObject({
        title: 'Port the parser to ESM',
        status: { state: 'done', epoch: 0 },
        deleted: true,
      });
    }
    expectConverged();
  });
});
