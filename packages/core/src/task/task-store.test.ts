import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/not-found-error.js';
import { AmbiguousIdError } from '../store/ambiguous-id-error.js';
import { openDatabase, writeTransaction } from '../store/database.js';
import { insertOp } from '../store/op-log.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  expectWellFormedLog,
  TEST_KEY,
  type FakeClock,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import { openStore, type Store } from '../store/store.js';
import { TaskError } from './task-error.js';
import type { TaskStore } from './task-types.js';

const projectRoot = '/home/dev/parser';
const knownCommit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

describe('task store', () => {
  let directory: TemporaryDirectory;
  let clock: FakeClock;
  let store: Store;
  let tasks: TaskStore;

  beforeEach(() => {
    directory = createTemporaryDirectory();
    clock = createFakeClock(Date.UTC(2025, 5, 1, 12));
    store = openStore({
      path: join(directory.path, 'outpost.db'),
      keyHex: TEST_KEY,
      now: clock.now,
    });
    tasks = store.tasks({ projectRoot, commitExists: (sha) => knownCommit.startsWith(sha) });
  });

  afterEach(() => {
    store.close();
    directory.remove();
  });

  const snapshot = () => ({ ops: store.ops(), state: store.readMaterializedState() });

  /** Rebuilding from the log gives exactly the live tables. */
  function expectRebuildEqualsLive() {
    const live = store.readMaterializedState();
    store.rebuild();
    expect(store.readMaterializedState()).toEqual(live);
  }

  it('adds a task as one op per field: queued, epoch 0, priority 2 by default', () => {
    const task = tasks.add({ title: '  Port the parser to ESM ' });
    const time = clock.now();
    expect(task).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      title: 'Port the parser to ESM',
      body: '',
      priority: 2,
      labels: [],
      links: [],
      status: { state: 'queued', epoch: 0 },
      provenance: {
        user: store.userSpace.slice('user:'.length),
        device: store.deviceId,
        createdAt: time,
      },
      updatedAt: time,
      conflicted: false,
      deleted: false,
    });
    const ops = store.ops().filter((op) => op.kind === 'task');
    expect(ops.map((op) => op.field)).toEqual([
      'project',
      'provenance',
      'title',
      'body',
      'priority',
      'labels',
      'links',
      'status',
      'updatedAt',
    ]);
    // Fields that can conflict carry a base: empty, for a first write.
    expect(ops.filter((op) => op.base !== undefined).map((op) => op.field)).toEqual([
      'title',
      'body',
      'priority',
      'labels',
      'links',
    ]);
    expect(ops.every((op) => op.base === undefined || op.base.length === 0)).toBe(true);
    expect(tasks.get(task.id)).toEqual(task);
    expectWellFormedLog(store.ops());
    expectRebuildEqualsLive();
  });

  it('validates every write, lists every problem, and writes nothing when refused', () => {
    const before = snapshot();
    const refusals: [unknown, RegExp][] = [
      [{ title: '' }, /the title is empty/],
      [{ title: 'a\nb' }, /single line/],
      [{ title: 'T', priority: 7 }, /priority must be a whole number from 0 \(most urgent\) to 4/],
      [{ title: 'T', priority: 1.5 }, /priority must be a whole number/],
      [{ title: 'T', labels: ['two words'] }, /label "two words" contains a space/],
      [{ title: 'T', body: 'x'.repeat(8_001) }, /8,001 characters, over the limit of 8,000/],
      [{ title: 'T', links: [{ type: 'commit', id: 'deadbeef' }] }, /no such commit/],
      [{ title: 'T', links: [{ type: 'session', id: 'nope' }] }, /no such session/],
      [{ title: 'T', links: [{ type: 'task', id: '0000' }] }, /no such task/],
      [{ title: 'T', state: 'done' }, /unknown field "state"/],
    ];
    for (const [draft, message] of refusals) {
      expect(() => tasks.add(draft as never)).toThrow(TaskError);
      expect(() => tasks.add(draft as never)).toThrow(message);
    }
    // Several problems at once, in one message.
    expect(() => tasks.add({ title: '', priority: 9, labels: ['a b'] })).toThrow(
      /the title is empty.*; the priority .*; label "a b"/,
    );
    expect(snapshot()).toEqual(before);

    const task = tasks.add({ title: 'T' });
    const after = snapshot();
    expect(() => tasks.update(task.id, {})).toThrow(/nothing to change/);
    expect(() => tasks.update(task.id, { priority: -1 })).toThrow(/priority/);
    expect(() => tasks.update(task.id, { links: [{ type: 'task', id: task.id }] })).toThrow(
      /cannot link to itself/,
    );
    expect(() => tasks.update('0000-missing', { title: 'x' })).toThrow(NotFoundError);
    expect(snapshot()).toEqual(after);
  });

  it('edits only what changes, links commits, sessions and other tasks', () => {
    const session = store.sessions.create({ title: 's', projectRoot, provider: 'p', model: 'm' });
    const first = tasks.add({ title: 'First', labels: ['parser'] });
    clock.advance(1_000);
    const second = tasks.add({
      title: 'Second',
      body: 'After the first.\r\n',
      priority: 0,
      labels: ['esm', 'esm', 'build'],
      links: [
        { type: 'commit', id: knownCommit.slice(0, 7) },
        { type: 'session', id: session.id.slice(0, 13) },
        { type: 'task', id: first.id.slice(0, 13) },
      ],
    });
    expect(second).toMatchObject({
      body: 'After the first.',
      labels: ['esm', 'build'],
      links: [
        { type: 'commit', id: knownCommit.slice(0, 7) },
        { type: 'session', id: session.id },
        { type: 'task', id: first.id },
      ],
    });
    clock.advance(1_000);
    const count = store.ops().length;
    const edited = tasks.update(second.id, { title: 'Second, edited', priority: 0 });
    expect(edited).toMatchObject({ title: 'Second, edited', priority: 0, updatedAt: clock.now() });
    expect(
      store
        .ops()
        .slice(count)
        .map((op) => op.field),
    ).toEqual(['title', 'updatedAt']);
    expect(tasks.update(second.id, { labels: ['build', 'esm'].reverse() }).labels).toEqual([
      'esm',
      'build',
    ]);
    expectRebuildEqualsLive();
  });

  it('moves through states; a done or failed task changes only by reopen, which bumps the epoch', () => {
    const task = tasks.add({ title: 'T' });
    expect(tasks.transition(task.id, 'start').status).toEqual({ state: 'in_progress', epoch: 0 });
    expect(tasks.transition(task.id, 'block').status).toEqual({ state: 'blocked', epoch: 0 });
    expect(tasks.transition(task.id, 'start').status).toEqual({ state: 'in_progress', epoch: 0 });
    // The same state again writes nothing.
    const count = store.ops().length;
    tasks.transition(task.id, 'start');
    expect(store.ops()).toHaveLength(count);
    expect(tasks.transition(task.id, 'done').status).toEqual({ state: 'done', epoch: 0 });

    const before = snapshot();
    expect(() => tasks.transition(task.id, 'start')).toThrow(/it is done; reopen it first/);
    expect(() => tasks.transition(task.id, 'fail')).toThrow(/it is done; reopen it first/);
    expect(snapshot()).toEqual(before);

    expect(tasks.transition(task.id, 'reopen').status).toEqual({ state: 'queued', epoch: 1 });
    expect(() => tasks.transition(task.id, 'reopen')).toThrow(
      /it is queued, not done or failed: there is nothing to reopen/,
    );
    expect(tasks.transition(task.id, 'fail').status).toEqual({ state: 'failed', epoch: 1 });
    expect(tasks.transition(task.id, 'reopen').status).toEqual({ state: 'queued', epoch: 2 });
    expectRebuildEqualsLive();
  });

  it('lists open tasks by state, priority and age; --all adds done and failed ones', () => {
    const low = tasks.add({ title: 'Low', priority: 4 });
    clock.advance(10);
    const urgent = tasks.add({ title: 'Urgent', priority: 0 });
    clock.advance(10);
    const older = tasks.add({ title: 'Older normal' });
    clock.advance(10);
    const newer = tasks.add({ title: 'Newer normal' });
    const running = tasks.add({ title: 'Running', priority: 4 });
    tasks.transition(running.id, 'start');
    const blocked = tasks.add({ title: 'Blocked', priority: 0 });
    tasks.transition(blocked.id, 'block');
    const done = tasks.add({ title: 'Done' });
    tasks.transition(done.id, 'done');
    const gone = tasks.add({ title: 'Deleted' });
    tasks.delete(gone.id);
    expect(tasks.list().map((task) => task.title)).toEqual(
      [running, urgent, older, newer, low, blocked].map((task) => task.title),
    );
    expect(tasks.list({ all: true }).map((task) => task.title)).toEqual(
      [running, urgent, older, newer, low, blocked, done].map((task) => task.title),
    );
    expect(store.tasks({ projectRoot: '/elsewhere' }).list({ all: true })).toEqual([]);
  });

  it('resolves ids by unique prefix, deleted tasks only when asked', () => {
    const ids = ['0197aaaa-0000-7000-8000-000000000001', '0197aaaa-0000-7000-8000-000000000002'];
    const fixed = openStore({
      path: join(directory.path, 'fixed.db'),
      keyHex: TEST_KEY,
      now: clock.now,
      generateId: () => ids.shift() ?? 'none',
    });
    try {
      const own = fixed.tasks({ projectRoot });
      const [first, second] = [own.add({ title: 'One' }), own.add({ title: 'Two' })];
      expect(() => own.resolveId('0197aaaa')).toThrow(AmbiguousIdError);
      expect(own.resolveId('0197aaaa-0000-7000-8000-000000000002')).toBe(second.id);
      own.delete(first.id);
      expect(own.resolveId('0197aaaa')).toBe(second.id);
      expect(() => own.resolveId('0197aaaa', { includeDeleted: true })).toThrow(/matches 2 tasks/);
      expect(() => own.resolveId('01')).toThrow(/at least 4 characters/);
    } finally {
      fixed.close();
    }
  });

  it('ignores task ops of an unknown field or a value of the wrong shape, and keeps them', () => {
    const task = tasks.add({ title: 'T' });
    const before = store.readMaterializedState();
    const db = openDatabase({ path: store.path, keyHex: TEST_KEY });
    try {
      writeTransaction(db, () => {
        const base = { device: 'newer', hlc: 'ffff00000000-0000', space: store.userSpace };
        const foreign = [
          { ...base, seq: 1, kind: 'task', record: task.id, field: 'assignee', value: 'x' },
          { ...base, seq: 2, kind: 'task', record: task.id, field: 'status', value: 'done' },
          { ...base, seq: 3, kind: 'task', record: task.id, field: 'priority', value: 'high' },
        ];
        for (const op of foreign) expect(insertOp(db, op)).toBe('ignored');
      });
    } finally {
      db.close();
    }
    expect(store.readMaterializedState()).toEqual(before);
    expectRebuildEqualsLive();
  });
});
