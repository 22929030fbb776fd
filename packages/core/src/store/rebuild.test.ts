import { join } from 'node:path';
import type { SessionEventData, SessionFields } from '@outpost/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEMORY_KINDS, MEMORY_STATUSES, type MemoryPatch } from '../memory/memory-types.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  expectWellFormedLog,
  sampleEvents,
  shuffled,
  TEST_KEY,
  union,
  type FakeClock,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { openDatabase, writeTransaction } from './database.js';
import { migrate } from './migrations.js';
import { insertOp } from './op-log.js';
import { readMaterializedState, type MaterializedState } from './rebuild.js';
import { openStore, type Store } from './store.js';
import type { StoredOp } from './stored-op.js';

// fast-check prints the seed and path of any failure; replay with fc.assert(…, { seed, path }) and
// keep the case as an example below.

const fields = { title: 'Port to ESM', projectRoot: '/repo', provider: 'ollama', model: 'm' };

let directory: TemporaryDirectory;
let fileCount = 0;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

const newPath = () => join(directory.path, `store-${(fileCount += 1)}.db`);

/** Adds ops to the store file at `path` through a second connection, as sync will. */
function deliver(ops: readonly StoredOp[], path: string): void {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  try {
    writeTransaction(db, () => {
      for (const op of ops) insertOp(db, op);
    });
  } finally {
    db.close();
  }
}

/** A fresh database that receives `ops` in exactly the given order. */
function replicaState(ops: readonly StoredOp[]): MaterializedState {
  const db = openDatabase({ path: newPath(), keyHex: TEST_KEY });
  try {
    migrate(db, { now: () => 0 });
    writeTransaction(db, () => {
      for (const op of ops) insertOp(db, op);
    });
    return readMaterializedState(db);
  } finally {
    db.close();
  }
}

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const eventData: fc.Arbitrary<SessionEventData> = fc.oneof(
  fc.record({ type: fc.constant('user-message' as const), text }),
  fc.record(
    {
      type: fc.constant('assistant-message' as const),
      step: fc.nat(50),
      text,
      reasoning: text,
      partial: fc.boolean(),
    },
    { requiredKeys: ['type', 'step', 'text', 'partial'] },
  ),
  fc.record(
    {
      type: fc.constant('error' as const),
      kind: fc.constantFrom('model' as const, 'cancelled' as const, 'internal' as const),
      message: text,
      step: fc.nat(50),
    },
    { requiredKeys: ['type', 'kind', 'message'] },
  ),
  fc.constantFrom(...sampleEvents),
);
const fieldUpdate: fc.Arbitrary<Partial<SessionFields>> = fc.record(
  {
    title: text,
    status: fc.constantFrom('running' as const, 'completed' as const, 'failed' as const),
    model: text,
  },
  { requiredKeys: [] },
);

const memoryTitle = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,30}$/);
const memoryBody = fc.stringMatching(/^[a-z][a-z0-9 \n`#]{0,60}$/);
const memoryTags = fc.uniqueArray(fc.constantFrom('build', 'ci', 'parser', 'store'), {
  maxLength: 3,
});
const memoryPaths = fc.uniqueArray(fc.constantFrom('src/a.ts', 'src/b', 'docs/c.md'), {
  maxLength: 2,
});
const memoryPatch: fc.Arbitrary<MemoryPatch> = fc.record(
  {
    title: memoryTitle,
    body: memoryBody,
    kind: fc.constantFrom(...MEMORY_KINDS),
    tags: memoryTags,
    paths: memoryPaths,
  },
  { requiredKeys: [] },
);
const memoryProject = { projectRoot: '/repo' };

type Command =
  | { type: 'create'; title: string }
  | { type: 'remember'; title: string; body: string; kind: (typeof MEMORY_KINDS)[number] }
  | { type: 'edit-memory'; record: number; patch: MemoryPatch }
  | { type: 'memory-status'; record: number; status: (typeof MEMORY_STATUSES)[number] }
  | { type: 'update'; session: number; fields: Partial<SessionFields> }
  | { type: 'event'; session: number; data: SessionEventData }
  | { type: 'wait'; milliseconds: number }
  | { type: 'reopen'; clockJump: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('create' as const), title: text }), weight: 2 },
  {
    arbitrary: fc.record({
      type: fc.constant('update' as const),
      session: fc.nat(),
      fields: fieldUpdate,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('event' as const),
      session: fc.nat(),
      data: eventData,
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('remember' as const),
      title: memoryTitle,
      body: memoryBody,
      kind: fc.constantFrom(...MEMORY_KINDS),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('edit-memory' as const),
      record: fc.nat(),
      patch: memoryPatch,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('memory-status' as const),
      record: fc.nat(),
      status: fc.constantFrom(...MEMORY_STATUSES),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ type: fc.constant('wait' as const), milliseconds: fc.nat(5_000) }),
    weight: 1,
  },
  {
    // Reopen, with the wall clock moved by up to an hour either way.
    arbitrary: fc.record({
      type: fc.constant('reopen' as const),
      clockJump: fc.integer({ min: -3_600_000, max: 3_600_000 }),
    }),
    weight: 1,
  },
);

/** Runs one command against `store`; returns the store to use next (a reopen replaces it). */
function run(store: Store, clock: FakeClock, step: Command): Store {
  const sessions = store.sessions.list().map((session) => session.id);
  const pick = (index: number) => sessions[index % sessions.length];
  const memory = store.memory(memoryProject);
  const records = memory.list().map((record) => record.id);
  const pickRecord = (index: number) => records[index % records.length];
  switch (step.type) {
    case 'remember':
      memory.add({ title: step.title, body: step.body, kind: step.kind, status: 'proposed' });
      return store;
    case 'edit-memory': {
      const id = pickRecord(step.record);
      if (id !== undefined && Object.keys(step.patch).length > 0) memory.update(id, step.patch);
      return store;
    }
    case 'memory-status': {
      const id = pickRecord(step.record);
      if (id !== undefined) memory.setStatus(id, step.status);
      return store;
    }
    case 'create':
      store.sessions.create({ ...fields, title: step.title });
      return store;
    case 'update': {
      const id = pick(step.session);
      if (id !== undefined) store.sessions.update(id, step.fields);
      return store;
    }
    case 'event': {
      const id = pick(step.session);
      if (id !== undefined) store.sessions.appendEvent(id, step.data);
      return store;
    }
    case 'wait':
      clock.advance(step.milliseconds);
      return store;
    case 'reopen':
      store.close();
      clock.advance(step.clockJump);
      return openStore({ path: store.path, keyHex: TEST_KEY, now: clock.now });
  }
}

describe('rebuildFromOpLog', () => {
  it('reproduces the state of a realistic session exactly', () => {
    const clock = createFakeClock();
    let store = openStore({ path: newPath(), keyHex: TEST_KEY, now: clock.now });
    const first = store.sessions.create(fields);
    const second = store.sessions.create({ ...fields, title: 'Second', projectRoot: '/other' });
    for (const data of sampleEvents) {
      clock.advance(250);
      store.sessions.appendEvent(first.id, data);
    }
    store.sessions.update(first.id, { title: 'Port to ESM (done)', status: 'completed' });
    store = run(store, clock, { type: 'reopen', clockJump: -60_000 });
    store.sessions.appendEvent(second.id, { type: 'user-message', text: 'and now this' });
    store.sessions.update(second.id, { status: 'failed' });
    const memory = store.memory(memoryProject);
    const record = memory.add({
      title: 'Port with the ESM flag',
      body: 'Use `--experimental-vm-modules` for jest.',
      kind: 'fix',
      tags: ['esm'],
      paths: ['jest.config.js'],
      links: [{ type: 'session', id: first.id }],
      status: 'proposed',
      session: first.id,
      model: 'ollama/m',
    });
    clock.advance(100);
    memory.update(record.id, { title: 'Run jest with the ESM flag', tags: ['esm', 'tests'] });
    memory.setStatus(record.id, 'accepted');
    store.memory({ projectRoot: '/other' }).add({
      title: 'Elsewhere',
      body: 'Another project.',
      kind: 'fact',
      status: 'accepted',
    });

    const built = store.readMaterializedState();
    expect(built.memory).toHaveLength(2);
    expect(built.sessions).toHaveLength(2);
    expect(built.session_events).toHaveLength(sampleEvents.length + 1);
    expect(built.field_history.length).toBeGreaterThan(0);
    store.rebuild();
    expect(store.readMaterializedState()).toEqual(built);
    expect(store.integrityCheck()).toBe('ok');

    // It also repairs derived tables that were damaged.
    const db = openDatabase({ path: store.path, keyHex: TEST_KEY });
    db.exec(
      "DELETE FROM session_events; DELETE FROM field_history; UPDATE sessions SET title = 'x'; " +
        "UPDATE memory SET status = 'retired'",
    );
    db.close();
    expect(store.readMaterializedState()).not.toEqual(built);
    store.rebuild();
    expect(store.readMaterializedState()).toEqual(built);
    store.close();
  });

  it('reproduces the state after any sequence of writes and reopens (property)', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const clock = createFakeClock();
        let store = openStore({ path: newPath(), keyHex: TEST_KEY, now: clock.now });
        try {
          for (const step of commands) store = run(store, clock, step);
          const built = store.readMaterializedState();
          const ops = store.ops();
          expectWellFormedLog(ops);
          store.rebuild();
          expect(store.readMaterializedState()).toEqual(built);
          expect(replicaState(ops)).toEqual(built);
          expect(store.integrityCheck()).toBe('ok');
        } finally {
          store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('last-writer-wins merge', () => {
  it('picks the later write of concurrent edits and keeps the other in field_history', () => {
    const clockA = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const clockB = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const a = openStore({ path: newPath(), keyHex: TEST_KEY, now: clockA.now });
    const b = openStore({ path: newPath(), keyHex: TEST_KEY, now: clockB.now });
    const session = a.sessions.create(fields);
    deliver(a.ops(), b.path);

    // Offline, both rename the session; B's edit is earlier in clock order.
    clockB.advance(5);
    b.sessions.update(session.id, { title: 'from B' });
    clockA.advance(10);
    a.sessions.update(session.id, { title: 'from A' });
    deliver(a.ops(), b.path);
    deliver(b.ops(), a.path);

    expect(a.sessions.get(session.id)?.title).toBe('from A');
    expect(b.sessions.get(session.id)?.title).toBe('from A');
    const state = a.readMaterializedState();
    expect(b.readMaterializedState()).toEqual(state);
    const titles = state.field_history.filter((row) => row['field'] === 'title');
    expect(titles.map((row) => row['value'])).toEqual(
      expect.arrayContaining([JSON.stringify('Port to ESM'), JSON.stringify('from B')]),
    );
    expect(titles).toHaveLength(2);
    for (let seed = 0; seed < 20; seed++) {
      expect(replicaState(shuffled(union(a.ops(), b.ops()), seed))).toEqual(state);
    }
    a.close();
    b.close();
  });

  it('merges concurrent edits of a memory record field by field', () => {
    const clockA = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const clockB = createFakeClock(Date.UTC(2025, 0, 1, 12));
    const a = openStore({ path: newPath(), keyHex: TEST_KEY, now: clockA.now });
    const b = openStore({ path: newPath(), keyHex: TEST_KEY, now: clockB.now });
    const record = a.memory(memoryProject).add({
      title: 'Use pnpm',
      body: 'Not npm.',
      kind: 'convention',
      status: 'proposed',
    });
    deliver(a.ops(), b.path);

    // Offline, B retitles and accepts the record; later, A retitles it and changes its body.
    // Each field goes to its latest writer; the losing titles are kept in field_history.
    clockB.advance(5);
    b.memory(memoryProject).update(record.id, { title: 'Use pnpm (B)' });
    b.memory(memoryProject).setStatus(record.id, 'accepted');
    clockA.advance(10);
    a.memory(memoryProject).update(record.id, { title: 'Use pnpm (A)', body: 'Never npm.' });
    deliver(a.ops(), b.path);
    deliver(b.ops(), a.path);

    const merged = a.memory(memoryProject).get(record.id);
    expect(merged).toMatchObject({ title: 'Use pnpm (A)', body: 'Never npm.', status: 'accepted' });
    expect(b.memory(memoryProject).get(record.id)).toEqual(merged);
    const state = a.readMaterializedState();
    expect(b.readMaterializedState()).toEqual(state);
    const titles = state.field_history.filter(
      (row) => row['kind'] === 'memory' && row['field'] === 'title',
    );
    expect(titles.map((row) => row['value']).sort()).toEqual(
      [JSON.stringify('Use pnpm'), JSON.stringify('Use pnpm (B)')].sort(),
    );
    for (let seed = 0; seed < 20; seed++) {
      expect(replicaState(shuffled(union(a.ops(), b.ops()), seed))).toEqual(state);
    }
    a.close();
    b.close();
  });

  it('converges to one state whatever order the ops arrive in (property)', () => {
    type DeviceCommand =
      | { type: 'write'; device: 0 | 1; command: Command }
      | { type: 'sync'; from: 0 | 1 }
      | { type: 'skew'; device: 0 | 1; milliseconds: number };
    const device = fc.constantFrom(0 as const, 1 as const);
    const deviceCommand: fc.Arbitrary<DeviceCommand> = fc.oneof(
      {
        arbitrary: fc.record({
          type: fc.constant('write' as const),
          device,
          command: command.filter((step) => step.type !== 'reopen'),
        }),
        weight: 6,
      },
      { arbitrary: fc.record({ type: fc.constant('sync' as const), from: device }), weight: 2 },
      {
        arbitrary: fc.record({
          type: fc.constant('skew' as const),
          device,
          milliseconds: fc.integer({ min: -10_000, max: 10_000 }),
        }),
        weight: 1,
      },
    );

    fc.assert(
      fc.property(
        fc.array(deviceCommand, { maxLength: 40 }),
        fc.array(fc.integer(), { minLength: 3, maxLength: 3 }),
        (commands, seeds) => {
          const clocks = [createFakeClock(), createFakeClock()] as const;
          const stores = clocks.map((clock) =>
            openStore({ path: newPath(), keyHex: TEST_KEY, now: clock.now }),
          );
          try {
            for (const step of commands) {
              if (step.type === 'write') {
                run(stores[step.device] as Store, clocks[step.device], step.command);
              } else if (step.type === 'sync') {
                const [from, to] = [stores[step.from], stores[1 - step.from]] as [Store, Store];
                deliver(from.ops(), to.path);
              } else {
                clocks[step.device].advance(step.milliseconds);
              }
            }
            const [a, b] = stores as [Store, Store];
            const all = union(a.ops(), b.ops());
            deliver(all, a.path);
            deliver(all, b.path);
            const state = a.readMaterializedState();
            expect(b.readMaterializedState()).toEqual(state);
            for (const seed of seeds) expect(replicaState(shuffled(all, seed))).toEqual(state);
            // Nothing is lost: every field op is the winner of its field or in history.
            const fieldOps = all.filter((op) => op.kind === 'session' || op.kind === 'memory');
            expect(state.field_versions.length + state.field_history.length).toBe(fieldOps.length);
          } finally {
            for (const store of stores) store.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
