import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionEventData, SessionFields, SessionStatus } from '@outpost/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/not-found-error.js';
import {
  MEMORY_KINDS,
  MEMORY_STATUSES,
  type MemoryKind,
  type MemoryPatch,
  type MemoryRecord,
  type MemoryStatus,
} from '../memory/memory-types.js';
import { expectRebuildEqualsLive, PROJECT } from '../sync/__fixtures__/sync-fixtures.js';
import { TaskError } from '../task/task-error.js';
import type { TaskPatch, TaskRecord, TaskStatus, TaskTransition } from '../task/task-types.js';
import { openDatabase } from './database.js';
import { openStore, type Store } from './store.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  sampleEvents,
  TEST_KEY,
  type FakeClock,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import {
  copyReplica,
  emptyReplica,
  expectStoreMatchesModel,
  mergeReplica,
  modelProjectRecords,
  modelSessions,
  writeFields,
  type ModelConflict,
  type RecordKind,
  type ReplicaModel,
} from './__fixtures__/store-model.js';

// T3 of reference/sync-notes.md §5.3: a model-based test (fast-check `fc.commands`). Two real
// stores, "local" (the one under test) and a "peer", share a wall clock that only moves forward, so
// timestamp order is command order and the model is plain (`__fixtures__/store-model.ts`): each
// replica knows a set of field writes and what each writer had seen; the newest write of a field
// wins, a task's status by rank first; a field is conflicted when writes no other writer had seen
// hold another value; a record is hidden while its `$deleted` is the newest write; an import is
// the union with what the file held when it was exported. Commands add, edit, delete, restore and
// pick memory records and tasks (edits of a deleted record and transitions a task's state does not
// allow are refused, and write nothing), change task states, write sessions and events, export,
// import, close and reopen, and crash. After every command each store shows exactly its model
// (lists, deleted records, conflicts with their values), and the local store's tables rebuilt from
// its log equal the live ones. "Crash" abandons the local handle without a clean close after
// another writer died mid-transaction, in this process or killed with SIGKILL in a child, and
// reopens from the file. fast-check prints the seed and path of any failure.

let directory: TemporaryDirectory;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

type Replica = 'local' | 'peer';
const replicaNames: readonly Replica[] = ['local', 'peer'];

interface Model {
  local: ReplicaModel;
  peer: ReplicaModel;
  /** Exported files: what the exporting replica knew then. */
  files: ReplicaModel[];
  /** The number of the running command: later commands' writes win. */
  command: number;
}

interface Real {
  clock: FakeClock;
  stores: Record<Replica, Store>;
  files: string[];
  /** Handles dropped without a clean close (a crash); closed when the run ends. */
  abandoned: Store[];
}

/** The command's writes on one replica's model. */
const write = (model: Model, replica: Replica, kind: string, record: string, values: object) =>
  writeFields(model[replica], model.command, kind, record, values);

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

/** The project's records of `kind` the replica has whole, deleted ones included, by id. */
const recordsOf = (replica: ReplicaModel, kind: RecordKind) => modelProjectRecords(replica, kind);
const sessionIds = (replica: ReplicaModel) =>
  modelSessions(replica)
    .map((session) => session.summary.id)
    .sort();

/**
 * How often each command ran, and how many commands left a conflicted or a deleted record on
 * some replica, over all runs: printed, so a change that makes a case rare shows.
 */
const tally = new Map<string, number>();
const count = (name: string) => tally.set(name, (tally.get(name) ?? 0) + 1);

/** A command on one replica: runs on the store, then on the model, then compares. */
abstract class StoreCommand implements fc.Command<Model, Real> {
  check(_model: Readonly<Model>): boolean {
    return true;
  }

  run(model: Model, real: Real): void {
    model.command += 1;
    real.clock.advance(1 + (model.command % 7) * 250);
    this.apply(model, real);
    count(this.constructor.name);
    const records = replicaNames.flatMap((name) =>
      (['memory', 'task'] as const).flatMap((kind) => recordsOf(model[name], kind)),
    );
    if (records.some(({ record }) => record.conflicted)) count('with a conflicted record');
    if (records.some(({ record }) => record.deleted)) count('with a deleted record');
    for (const replica of replicaNames) {
      expectStoreMatchesModel(real.stores[replica], model[replica]);
    }
    expectRebuildEqualsLive(real.stores.local);
  }

  protected abstract apply(model: Model, real: Real): void;
  abstract toString(): string;
}

/**
 * A command on one existing record of the replica, deleted or not: `record` picks it among the
 * project's records (by id), modulo their number.
 */
abstract class RecordCommand extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly kind: RecordKind,
    readonly record: number,
  ) {
    super();
  }

  override check(model: Readonly<Model>) {
    return recordsOf(model[this.replica], this.kind).length > 0;
  }

  /** The record the command aims at, as the model knows it. */
  protected target(model: Model): {
    record: MemoryRecord | TaskRecord;
    conflicts: ModelConflict[];
  } {
    const target = pick(recordsOf(model[this.replica], this.kind), this.record);
    if (target === undefined) throw new Error('no record: check() should have said so');
    return target;
  }

  protected records(real: Real) {
    const store = real.stores[this.replica];
    return this.kind === 'memory'
      ? store.memory({ projectRoot: PROJECT })
      : store.tasks({ projectRoot: PROJECT });
  }

  /** The fields of `patch` an edit writes: those that change, and conflicted ones (it settles them). */
  protected changed(
    target: { record: MemoryRecord | TaskRecord; conflicts: ModelConflict[] },
    patch: object,
  ): Record<string, unknown> {
    const conflicted = new Set(target.conflicts.map((conflict) => conflict.field));
    return Object.fromEntries(
      Object.entries(patch).filter(
        ([field, value]) =>
          conflicted.has(field) ||
          JSON.stringify(value) !==
            JSON.stringify(target.record[field as keyof (MemoryRecord | TaskRecord)]),
      ),
    );
  }

  protected where() {
    return `${this.replica}, ${this.kind} #${this.record}`;
  }
}

class AddMemory extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly draft: { title: string; body: string; kind: MemoryKind; tags: string[] },
    readonly status: MemoryStatus,
  ) {
    super();
  }

  protected apply(model: Model, real: Real) {
    const store = real.stores[this.replica];
    const record = store
      .memory({ projectRoot: PROJECT })
      .add({ ...this.draft, status: this.status });
    const time = real.clock.now();
    const replica = model[this.replica];
    write(model, this.replica, 'memory', record.id, {
      project: PROJECT,
      provenance: { user: replica.userId, device: replica.deviceId, createdAt: time },
      ...this.draft,
      paths: [],
      links: [],
      status: this.status,
      updatedAt: time,
    });
  }

  toString() {
    return `add-memory(${this.replica}, ${JSON.stringify(this.draft)}, ${this.status})`;
  }
}

/** `update` with a patch, or `setStatus`; a deleted record refuses both. */
class EditMemory extends RecordCommand {
  constructor(
    replica: Replica,
    record: number,
    readonly patch: MemoryPatch,
    readonly status: MemoryStatus | undefined,
  ) {
    super(replica, 'memory', record);
  }

  protected apply(model: Model, real: Real) {
    const target = this.target(model);
    const memory = real.stores[this.replica].memory({ projectRoot: PROJECT });
    const id = target.record.id;
    const change = () =>
      this.status === undefined ? memory.update(id, this.patch) : memory.setStatus(id, this.status);
    if (target.record.deleted) {
      expect(change).toThrow(NotFoundError);
      return;
    }
    change();
    const changed = this.changed(
      target,
      this.status === undefined ? this.patch : { status: this.status },
    );
    // Only the fields that change are written, and `updatedAt` only when one does.
    if (Object.keys(changed).length > 0) {
      write(model, this.replica, 'memory', id, { ...changed, updatedAt: real.clock.now() });
    }
  }

  toString() {
    return `edit-memory(${this.where()}, ${JSON.stringify(this.patch)}, ${this.status})`;
  }
}

class AddTask extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly draft: { title: string; priority: number; labels: string[] },
  ) {
    super();
  }

  protected apply(model: Model, real: Real) {
    const task = real.stores[this.replica].tasks({ projectRoot: PROJECT }).add(this.draft);
    const time = real.clock.now();
    const replica = model[this.replica];
    write(model, this.replica, 'task', task.id, {
      project: PROJECT,
      provenance: { user: replica.userId, device: replica.deviceId, createdAt: time },
      ...this.draft,
      body: '',
      links: [],
      status: { state: 'queued', epoch: 0 },
      updatedAt: time,
    });
  }

  toString() {
    return `add-task(${this.replica}, ${JSON.stringify(this.draft)})`;
  }
}

class EditTask extends RecordCommand {
  constructor(
    replica: Replica,
    record: number,
    readonly patch: TaskPatch,
  ) {
    super(replica, 'task', record);
  }

  protected apply(model: Model, real: Real) {
    const target = this.target(model);
    const tasks = real.stores[this.replica].tasks({ projectRoot: PROJECT });
    if (target.record.deleted) {
      expect(() => tasks.update(target.record.id, this.patch)).toThrow(NotFoundError);
      return;
    }
    tasks.update(target.record.id, this.patch);
    const changed = this.changed(target, this.patch);
    if (Object.keys(changed).length > 0) {
      write(model, this.replica, 'task', target.record.id, {
        ...changed,
        updatedAt: real.clock.now(),
      });
    }
  }

  toString() {
    return `edit-task(${this.where()}, ${JSON.stringify(this.patch)})`;
  }
}

const targetStates = {
  start: 'in_progress',
  block: 'blocked',
  done: 'done',
  fail: 'failed',
} as const;

/**
 * The state table of docs/architecture/tasks.md: the status a transition writes, nothing when the
 * task is in that state already, or a refusal.
 */
function transitionModel(
  current: TaskStatus,
  transition: TaskTransition,
): TaskStatus | 'unchanged' | 'refused' {
  const terminal = current.state === 'done' || current.state === 'failed';
  if (transition === 'reopen') {
    return terminal ? { state: 'queued', epoch: current.epoch + 1 } : 'refused';
  }
  const state = targetStates[transition];
  if (current.state === state) return 'unchanged';
  return terminal ? 'refused' : { state, epoch: current.epoch };
}

class TransitionTask extends RecordCommand {
  constructor(
    replica: Replica,
    record: number,
    readonly transition: TaskTransition,
  ) {
    super(replica, 'task', record);
  }

  protected apply(model: Model, real: Real) {
    const { record } = this.target(model);
    const tasks = real.stores[this.replica].tasks({ projectRoot: PROJECT });
    const change = () => tasks.transition(record.id, this.transition);
    if (record.deleted) {
      expect(change).toThrow(NotFoundError);
      return;
    }
    const next = transitionModel((record as TaskRecord).status, this.transition);
    if (next === 'refused') {
      expect(change).toThrow(TaskError);
      return;
    }
    change();
    if (next !== 'unchanged') {
      write(model, this.replica, 'task', record.id, {
        status: next,
        updatedAt: real.clock.now(),
      });
    }
  }

  toString() {
    return `transition-task(${this.where()}, ${this.transition})`;
  }
}

/** `delete`: the tombstone alone; a record deleted already refuses it. */
class DeleteRecord extends RecordCommand {
  protected apply(model: Model, real: Real) {
    const { record } = this.target(model);
    const records = this.records(real);
    if (record.deleted) {
      expect(() => records.delete(record.id)).toThrow(NotFoundError);
      return;
    }
    records.delete(record.id);
    write(model, this.replica, this.kind, record.id, { $deleted: true });
  }

  toString() {
    return `delete(${this.where()})`;
  }
}

/** `restore`: `updatedAt`, then `$deleted: false`; a visible record is left as it is. */
class RestoreRecord extends RecordCommand {
  protected apply(model: Model, real: Real) {
    const { record } = this.target(model);
    this.records(real).restore(record.id);
    if (record.deleted) {
      write(model, this.replica, this.kind, record.id, {
        updatedAt: real.clock.now(),
        $deleted: false,
      });
    }
  }

  toString() {
    return `restore(${this.where()})`;
  }
}

/**
 * `pick`: keeps one value of a conflicted field of a visible record (`field` and `choice` pick
 * among the conflicted fields and their values, modulo their number), having seen every value.
 */
class PickValue extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly kind: RecordKind,
    readonly record: number,
    readonly field: number,
    readonly choice: number,
  ) {
    super();
  }

  /**
   * Where to pick: the visible conflicted records of `kind` on `replica`, or else of the other
   * kind, or else on the other replica (conflicts are rarer than the commands that could pick).
   */
  private where(model: Readonly<Model>) {
    const other = <T>(first: T, second: T, value: T) => (value === first ? second : first);
    for (const replica of [this.replica, other<Replica>('local', 'peer', this.replica)]) {
      for (const kind of [this.kind, other<RecordKind>('memory', 'task', this.kind)]) {
        const targets = recordsOf(model[replica], kind).filter(
          ({ record }) => record.conflicted && !record.deleted,
        );
        if (targets.length > 0) return { replica, kind, targets };
      }
    }
    return undefined;
  }

  override check(model: Readonly<Model>) {
    return this.where(model) !== undefined;
  }

  protected apply(model: Model, real: Real) {
    const where = this.where(model);
    const target = where === undefined ? undefined : pick(where.targets, this.record);
    const conflict = target === undefined ? undefined : pick(target.conflicts, this.field);
    if (where === undefined || target === undefined || conflict === undefined) {
      throw new Error('nothing to pick: check() should have said so');
    }
    const choice = this.choice % conflict.values.length;
    const store = real.stores[where.replica];
    const records =
      where.kind === 'memory'
        ? store.memory({ projectRoot: PROJECT })
        : store.tasks({ projectRoot: PROJECT });
    records.pick(target.record.id, conflict.field, choice + 1);
    write(model, where.replica, where.kind, target.record.id, {
      [conflict.field]: conflict.values[choice],
      updatedAt: real.clock.now(),
    });
  }

  toString() {
    return `pick(${this.replica}, ${this.kind} #${this.record}, field #${this.field}, value #${this.choice})`;
  }
}

class CreateSession extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly title: string,
  ) {
    super();
  }

  protected apply(model: Model, real: Real) {
    const fields = { title: this.title, projectRoot: PROJECT, provider: 'ollama', model: 'qwen' };
    const session = real.stores[this.replica].sessions.create(fields);
    const time = real.clock.now();
    write(model, this.replica, 'session', session.id, {
      ...fields,
      status: 'running',
      createdAt: time,
      updatedAt: time,
    });
  }

  toString() {
    return `create-session(${this.replica}, ${JSON.stringify(this.title)})`;
  }
}

class UpdateSession extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly session: number,
    readonly fields: Partial<Pick<SessionFields, 'title' | 'status'>>,
  ) {
    super();
  }

  override check(model: Readonly<Model>) {
    return sessionIds(model[this.replica]).length > 0;
  }

  protected apply(model: Model, real: Real) {
    const id = pick(sessionIds(model[this.replica]), this.session) ?? '';
    real.stores[this.replica].sessions.update(id, this.fields);
    write(model, this.replica, 'session', id, { ...this.fields, updatedAt: real.clock.now() });
  }

  toString() {
    return `update-session(${this.replica}, #${this.session}, ${JSON.stringify(this.fields)})`;
  }
}

class AppendEvent extends StoreCommand {
  constructor(
    readonly replica: Replica,
    readonly session: number,
    readonly data: SessionEventData,
  ) {
    super();
  }

  override check(model: Readonly<Model>) {
    return sessionIds(model[this.replica]).length > 0;
  }

  protected apply(model: Model, real: Real) {
    const sessionId = pick(sessionIds(model[this.replica]), this.session) ?? '';
    const event = real.stores[this.replica].sessions.appendEvent(sessionId, this.data);
    const time = real.clock.now();
    const replica = model[this.replica];
    replica.events.set(event.id, {
      id: event.id,
      sessionId,
      device: replica.deviceId,
      time,
      data: this.data,
      at: model.command,
    });
    write(model, this.replica, 'session', sessionId, { updatedAt: time });
  }

  toString() {
    return `append-event(${this.replica}, #${this.session}, ${this.data.type})`;
  }
}

class Export extends StoreCommand {
  constructor(readonly from: Replica) {
    super();
  }

  protected apply(model: Model, real: Real) {
    real.files.push(real.stores[this.from].sync.export().text);
    model.files.push(copyReplica(model[this.from]));
  }

  toString() {
    return `export(${this.from})`;
  }
}

class Import extends StoreCommand {
  constructor(
    readonly file: number,
    readonly into: Replica,
  ) {
    super();
  }

  override check(model: Readonly<Model>) {
    return model.files.length > 0;
  }

  protected apply(model: Model, real: Real) {
    const index = this.file % model.files.length;
    real.stores[this.into].sync.import(real.files[index] ?? '');
    const known = model.files[index];
    if (known !== undefined) mergeReplica(model[this.into], known);
  }

  toString() {
    return `import(file #${this.file}, into ${this.into})`;
  }
}

/** `export` on one replica and, at once, `import` of that file on the other. */
class Exchange extends StoreCommand {
  constructor(readonly from: Replica) {
    super();
  }

  protected apply(model: Model, real: Real) {
    const to = this.from === 'local' ? 'peer' : 'local';
    real.stores[to].sync.import(real.stores[this.from].sync.export().text);
    mergeReplica(model[to], model[this.from]);
  }

  toString() {
    return `exchange(${this.from} to the other)`;
  }
}

class Reopen extends StoreCommand {
  protected apply(_model: Model, real: Real) {
    real.stores.local.close();
    real.stores.local = reopen(real);
  }

  toString() {
    return 'close-and-reopen(local)';
  }
}

/**
 * Another writer dies inside a write transaction, leaving a half-written transaction behind (in
 * the WAL file, when the child process spills pages there before it is killed); the local handle
 * is dropped without a clean close, as a crashed process would drop it, and the store is reopened
 * from the file. Nothing of the dead transaction may show.
 */
class Crash extends StoreCommand {
  constructor(readonly how: 'abandoned-transaction' | 'killed-writer') {
    super();
  }

  protected apply(_model: Model, real: Real) {
    const path = real.stores.local.path;
    if (this.how === 'killed-writer') killWriterMidTransaction(path);
    else abandonTransaction(path);
    real.abandoned.push(real.stores.local);
    real.stores.local = reopen(real);
  }

  toString() {
    return `crash(local, ${this.how})`;
  }
}

function reopen(real: Real): Store {
  const store = openStore({ path: real.stores.local.path, keyHex: TEST_KEY, now: real.clock.now });
  // A reopen after a crash is a normal reopen: the same device, no new incarnation.
  expect(store.newIncarnation).toBeUndefined();
  return store;
}

const halfWritten = `'half-written'`;

/** A write transaction in another connection that is never committed: closing rolls it back. */
function abandonTransaction(path: string): void {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  db.exec('BEGIN IMMEDIATE');
  db.exec(
    `UPDATE memory SET title = ${halfWritten}, deleted = 1; UPDATE tasks SET title = ${halfWritten};
     UPDATE sessions SET title = ${halfWritten}`,
  );
  db.exec(`INSERT INTO op_log (device, seq, hlc, space, kind, record, field, value)
    VALUES ('crashed-writer', 1, '000000000001-0000', 'user:x', 'memory', 'r', 'title', '"x"')`);
  db.close();
}

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const killedWriter = `
const Database = require('better-sqlite3-multiple-ciphers');
const db = new Database(process.env.OUTPOST_TEST_STORE);
db.pragma("cipher = 'chacha20'");
db.pragma("hexkey = '" + process.env.OUTPOST_TEST_KEY + "'");
db.pragma('journal_mode = WAL');
db.pragma('cache_size = 8');
db.exec('BEGIN IMMEDIATE');
db.exec("UPDATE memory SET title = ${halfWritten}, deleted = 1; UPDATE tasks SET title = ${halfWritten}; UPDATE sessions SET title = ${halfWritten}");
const insert = db.prepare("INSERT INTO op_log (device, seq, hlc, space, kind, record, field, value) VALUES ('crashed-writer', ?, '000000000001-0000', 'user:x', 'memory', 'r', 'title', ?)");
for (let seq = 1; seq <= 2000; seq++) insert.run(seq, JSON.stringify('x'.repeat(200)));
process.stdout.write('uncommitted\\n');
process.kill(process.pid, 'SIGKILL');
`;

/** A child process writes ~400 kB inside a transaction (spilled to the WAL) and is SIGKILLed. */
function killWriterMidTransaction(path: string): void {
  const wal = () => (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0));
  const before = wal();
  const child = spawnSync(process.execPath, ['-e', killedWriter], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH, OUTPOST_TEST_STORE: path, OUTPOST_TEST_KEY: TEST_KEY },
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  expect(child.stdout).toBe('uncommitted\n');
  expect(child.signal).toBe('SIGKILL');
  // The dead transaction's pages reached the WAL file, uncommitted. (Compared whole, not by size:
  // after a checkpoint the WAL is rewritten from its start, so a long run's WAL need not grow.)
  expect(wal().equals(before)).toBe(false);
}

const replica = fc.constantFrom(...replicaNames);
const title = fc.constantFrom('Use pnpm', 'Use npm', 'Ünïcode — café', '🚀 ship it', 'Run vitest');
const body = fc.constantFrom('Because.', 'Line one.\nLine two.', 'See `docs/x.md`.');
const kind = fc.constantFrom(...MEMORY_KINDS);
const tags = fc.uniqueArray(fc.constantFrom('build', 'ci', 'store'), { maxLength: 3 });
const status = fc.constantFrom(...MEMORY_STATUSES);
/** An edit that names no field is refused (`nothing to change`): every generated edit names one. */
const isNonEmpty = (change: object) => Object.keys(change).length > 0;
const patch: fc.Arbitrary<MemoryPatch> = fc
  .record(
    {
      title,
      body,
      kind,
      tags,
      paths: fc.uniqueArray(fc.constantFrom('src/a.ts', 'docs'), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .filter(isNonEmpty);
const taskPatch: fc.Arbitrary<TaskPatch> = fc
  .record(
    {
      title,
      body: fc.constantFrom('', 'Details.', 'Line one.\nLine two.'),
      priority: fc.integer({ min: 0, max: 4 }),
      labels: fc.uniqueArray(fc.constantFrom('esm', 'ci', 'parser'), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .filter(isNonEmpty);
/** Open and terminal states often, so a stale open state meets a concurrent done or failed. */
const transition = fc.constantFrom<TaskTransition>(
  'start',
  'start',
  'block',
  'done',
  'done',
  'fail',
  'reopen',
);
const recordKind = fc.constantFrom<RecordKind>('memory', 'task');
const sessionStatus = fc.constantFrom<SessionStatus>('running', 'completed', 'failed');
const eventData: fc.Arbitrary<SessionEventData> = fc.oneof(
  fc.constantFrom(...sampleEvents),
  fc.record({
    type: fc.constant('user-message' as const),
    text: fc.string({ unit: 'grapheme', maxLength: 20 }),
  }),
);

/**
 * Each command with its weight, so that writes on both replicas meet often: what conflicts, ranks
 * and tombstones need.
 */
const weightedCommands: { weight: number; arbitrary: fc.Arbitrary<fc.Command<Model, Real>> }[] = [
  {
    weight: 1,
    arbitrary: fc
      .tuple(replica, fc.record({ title, body, kind, tags }), status)
      .map(([who, draft, first]) => new AddMemory(who, draft, first)),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(replica, fc.nat(), patch, fc.option(status, { nil: undefined }))
      .map(([who, index, change, next]) => new EditMemory(who, index, change, next)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        replica,
        fc.record({
          title,
          priority: fc.integer({ min: 0, max: 4 }),
          labels: fc.uniqueArray(fc.constantFrom('esm', 'ci'), { maxLength: 2 }),
        }),
      )
      .map(([who, draft]) => new AddTask(who, draft)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(replica, fc.nat(), taskPatch)
      .map(([who, index, change]) => new EditTask(who, index, change)),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(replica, fc.nat(), transition)
      .map(([who, index, next]) => new TransitionTask(who, index, next)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(replica, recordKind, fc.nat())
      .map(([who, which, index]) => new DeleteRecord(who, which, index)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(replica, recordKind, fc.nat())
      .map(([who, which, index]) => new RestoreRecord(who, which, index)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(replica, recordKind, fc.nat(), fc.nat(), fc.nat())
      .map(([who, which, index, field, choice]) => new PickValue(who, which, index, field, choice)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(replica, title).map(([who, name]) => new CreateSession(who, name)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(replica, fc.nat(), fc.record({ title, status: sessionStatus }, { requiredKeys: [] }))
      .map(([who, index, fields]) => new UpdateSession(who, index, fields)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(replica, fc.nat(), eventData)
      .map(([who, index, data]) => new AppendEvent(who, index, data)),
  },
  { weight: 1, arbitrary: replica.map((who) => new Export(who)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), replica).map(([index, into]) => new Import(index, into)),
  },
  { weight: 2, arbitrary: replica.map((who) => new Exchange(who)) },
  { weight: 1, arbitrary: fc.constant(new Reopen()) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'abandoned-transaction' as const,
        'abandoned-transaction' as const,
        'killed-writer' as const,
      )
      .map((how) => new Crash(how)),
  },
];
// `fc.commands` picks among its arbitraries evenly: a weight is that many copies.
const commands = fc.commands(
  weightedCommands.flatMap(({ weight, arbitrary }) =>
    Array<typeof arbitrary>(weight).fill(arbitrary),
  ),
  { maxCommands: 80, size: 'max' },
);

describe('T3: the store against a model', () => {
  // Well within the time on a quiet machine (about 16 s); the limit is for a loaded CI runner.
  it(
    'after every command the stores show what the model says, and rebuild equals live',
    { timeout: 120_000 },
    () => {
      let run = 0;
      fc.assert(
        fc.property(commands, (steps) => {
          run += 1;
          const clock = createFakeClock(Date.UTC(2026, 3, 1));
          const open = (name: Replica) =>
            openStore({
              path: join(directory.path, `${run}-${name}.db`),
              keyHex: TEST_KEY,
              now: clock.now,
            });
          const real: Real = {
            clock,
            stores: { local: open('local'), peer: open('peer') },
            files: [],
            abandoned: [],
          };
          const model: Model = {
            local: emptyReplica(real.stores.local),
            peer: emptyReplica(real.stores.peer),
            files: [],
            command: 0,
          };
          try {
            // Both replicas start with a memory record and a task, so edits on both meet.
            for (const setup of [
              new AddMemory(
                'local',
                { title: 'Seed', body: 'Because.', kind: 'fact', tags: [] },
                'accepted',
              ),
              new AddTask('local', { title: 'Seed task', priority: 2, labels: [] }),
              new Exchange('local'),
            ]) {
              setup.run(model, real);
            }
            fc.modelRun(() => ({ model, real }), steps);
          } finally {
            for (const store of [...real.abandoned, real.stores.local, real.stores.peer]) {
              store.close();
            }
          }
        }),
        { numRuns: 40 },
      );
      console.log(`T3: ${run} runs; commands ${JSON.stringify(Object.fromEntries(tally))}`);
    },
  );
});
