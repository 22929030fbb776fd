import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, writeTransaction } from '../store/database.js';
import { insertOp } from '../store/op-log.js';
import {
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import type { Store } from '../store/store.js';
import type { StoredOp } from '../store/stored-op.js';
import {
  exchange,
  expectRebuildEqualsLive,
  openTestStore,
  PROJECT,
  rewriteHeader,
  rewriteOps,
  type TestStore,
} from './__fixtures__/sync-fixtures.js';
import { parseSyncFile } from './sync-file.js';
import { SyncFileError } from './sync-file-error.js';

// Sync format version 2: ops carry `base` (conflicts), and `$deleted` tombstones and tasks travel
// like any op. Version 1 files, which have no base, still import.

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
const tasksOf = (store: Store) => store.tasks({ projectRoot: PROJECT });

function expectRefused(store: Store, text: string, message: RegExp) {
  const ops = store.ops();
  const state = store.readMaterializedState();
  expect(() => store.sync.import(text)).toThrow(SyncFileError);
  expect(() => store.sync.import(text)).toThrow(message);
  expect(store.ops()).toEqual(ops);
  expect(store.readMaterializedState()).toEqual(state);
}

describe('sync format version 2', () => {
  it('carries bases, tombstones, tasks and conflicts, and the importer ends identical', () => {
    const record = memoryOf(a.store).add({
      kind: 'fact',
      title: 'Parser',
      body: 'Hand-written.',
      status: 'accepted',
    });
    const task = tasksOf(a.store).add({ title: 'Port the parser', priority: 1 });
    exchange(a.store, b.store);
    a.clock.advance(1_000);
    memoryOf(a.store).update(record.id, { title: 'Parser (A)' });
    tasksOf(a.store).transition(task.id, 'done');
    b.clock.advance(2_000);
    memoryOf(b.store).update(record.id, { title: 'Parser (B)' });
    tasksOf(b.store).delete(task.id);

    const file = a.store.sync.export();
    expect(file.header.version).toBe(2);
    expect(file.kinds).toEqual({ memory: 12, task: 11 });
    const lines = file.text.trimEnd().split('\n').slice(1);
    const edit = lines
      .map((line) => JSON.parse(line) as StoredOp)
      .find((op) => op.value === 'Parser (A)');
    expect(edit).toMatchObject({ field: 'title', device: a.store.deviceId });
    expect(edit?.base).toEqual([{ hlc: expect.any(String) as string, device: a.store.deviceId }]);
    // Ops without a base are written without the key, as version 1 wrote every op.
    // 7 flagged memory fields and 5 task fields at creation, and the edit.
    expect(lines.filter((line) => line.includes('"base"'))).toHaveLength(13);

    const toB = b.store.sync.import(file.text);
    expect(toB.conflicts).toEqual([
      {
        kind: 'memory',
        record: record.id,
        field: 'title',
        result: 'lost',
        rule: 'last-writer-wins',
      },
    ]);
    exchange(b.store, a.store);
    expect(b.store.ops()).toEqual(a.store.ops());
    expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
    for (const store of [a.store, b.store]) {
      expect(memoryOf(store).get(record.id)?.conflicted).toBe(true);
      // The delete is newer than A's done: hidden on both.
      expect(tasksOf(store).list({ all: true })).toEqual([]);
      expectRebuildEqualsLive(store);
    }
    // Importing the same file again changes nothing.
    expect(b.store.sync.import(file.text)).toMatchObject({ added: 0 });
  });

  it('reports a task status conflict as kept by rank, whichever side wrote later', () => {
    const task = tasksOf(a.store).add({ title: 'Port the parser' });
    exchange(a.store, b.store);
    // A finishes the task; B, offline and later by the clock, starts it.
    a.clock.advance(1_000);
    tasksOf(a.store).transition(task.id, 'done');
    b.clock.advance(5_000);
    tasksOf(b.store).transition(task.id, 'start');

    const toB = b.store.sync.import(a.store.sync.export().text);
    const toA = a.store.sync.import(b.store.sync.export().text);
    const status = { kind: 'task', record: task.id, field: 'status', rule: 'rank' };
    // B's later `in_progress` gives way to A's earlier `done`, on both sides.
    expect(toB.conflicts).toEqual([{ ...status, result: 'won' }]);
    expect(toA.conflicts).toEqual([{ ...status, result: 'lost' }]);
    for (const store of [a.store, b.store]) {
      expect(tasksOf(store).get(task.id)?.status).toEqual({ state: 'done', epoch: 0 });
    }
    expect(b.store.readMaterializedState()).toEqual(a.store.readMaterializedState());
  });

  it('still imports a version 1 file, whose ops have no base', () => {
    // Ops as an Outpost before version 2 wrote them, exported under a version 1 header.
    const db = openDatabase({ path: a.path, keyHex: TEST_KEY });
    try {
      writeTransaction(db, () => {
        const fields: [string, unknown][] = [
          ['project', PROJECT],
          ['provenance', { user: 'u', device: 'older', createdAt: 1 }],
          ['title', 'From an older Outpost'],
          ['body', 'Written before bases.'],
          ['kind', 'fact'],
          ['tags', []],
          ['paths', []],
          ['links', []],
          ['status', 'accepted'],
          ['updatedAt', 1],
        ];
        fields.forEach(([field, value], index) =>
          insertOp(db, {
            device: 'older',
            seq: index + 1,
            hlc: `019400000000-${index.toString(16).padStart(4, '0')}`,
            space: a.store.userSpace,
            kind: 'memory',
            record: 'old-record',
            field,
            value,
          }),
        );
      });
    } finally {
      db.close();
    }
    const version1 = rewriteHeader(a.store.sync.export().text, (header) => ({
      ...header,
      version: 1,
    }));
    expect(parseSyncFile(version1).header.version).toBe(1);
    expect(b.store.sync.import(version1)).toMatchObject({ added: 10, applied: { memory: 10 } });
    expect(memoryOf(b.store).get('old-record')).toMatchObject({
      title: 'From an older Outpost',
      conflicted: false,
      deleted: false,
    });
    expectRebuildEqualsLive(b.store);
  });

  it('refuses a base in a version 1 file, a malformed base, and a base changed in transit', () => {
    const record = memoryOf(a.store).add({
      kind: 'fact',
      title: 'T',
      body: 'B',
      status: 'accepted',
    });
    a.clock.advance(1_000);
    memoryOf(a.store).update(record.id, { title: 'T2' });
    const file = a.store.sync.export().text;
    expectRefused(
      b.store,
      rewriteHeader(file, (header) => ({ ...header, version: 1 })),
      /line \d+ has a base, which sync format version 1 does not have/,
    );
    const withBase = (change: (op: Record<string, unknown>) => Record<string, unknown>) =>
      rewriteOps(file, (lines) =>
        lines.map((line) => {
          const op = JSON.parse(line) as Record<string, unknown>;
          return op.value === 'T2' ? JSON.stringify(change(op)) : line;
        }),
      );
    expectRefused(
      b.store,
      withBase((op) => ({ ...op, base: [{ hlc: 'yesterday', device: 'x' }] })),
      /is malformed: base/,
    );
    expectRefused(
      b.store,
      withBase((op) => ({ ...op, base: [{ hlc: '019400000000-0000', device: 'x', seq: 1 }] })),
      /is malformed: base/,
    );
    b.store.sync.import(file);
    expectRefused(
      b.store,
      withBase((op) => ({ ...op, base: [] })),
      /differs from the op with that id in this store/,
    );
  });
});
