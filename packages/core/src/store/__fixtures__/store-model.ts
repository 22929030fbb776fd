import type { SessionEventData } from '@outpost/protocol';
import { expect } from 'vitest';
import type { MemoryRecord } from '../../memory/memory-types.js';
import { PROJECT } from '../../sync/__fixtures__/sync-fixtures.js';
import type { TaskRecord, TaskState, TaskStatus } from '../../task/task-types.js';
import type { SessionSummary } from '../session-store.js';
import type { Store } from '../store.js';

/**
 * The plain model T3 (`store-model.property.test.ts`) checks the store against, written from
 * docs/architecture/store.md, sync.md, memory.md and tasks.md without the store's code. Each
 * replica knows a set of field writes; a write is named by the number of the command that wrote
 * it, and since the test's wall clock only moves forward, a later command's write is later in
 * `(hlc, device, seq)` too. So: the latest write of a field wins (a task's status ranks by epoch,
 * then done or failed, first); a field is conflicted when its winner and the writes no other writer
 * of the field had seen hold two values; a record is hidden when its `$deleted` winner is `true`
 * and later than every other field's winner; an import is the union with what the file held.
 */

/** One write of a field, as a replica's model knows it. */
export interface FieldWrite {
  value: unknown;
  /** The number of the command that wrote it: its time, and its name among the field's writes. */
  at: number;
  /** The writes of the same field (by `at`) the writer's replica knew when it wrote: what it saw. */
  seen: ReadonlySet<number>;
}

export interface ModelEvent {
  id: string;
  sessionId: string;
  device: string;
  time: number;
  data: SessionEventData;
  at: number;
}

/** What one replica knows. */
export interface ReplicaModel {
  userId: string;
  deviceId: string;
  /** `[kind, record, field]` as JSON → every write of that field the replica knows. */
  fields: Map<string, FieldWrite[]>;
  events: Map<string, ModelEvent>;
}

export type RecordKind = 'memory' | 'task';

const fieldKey = (kind: string, record: string, field: string) =>
  JSON.stringify([kind, record, field]);

export function emptyReplica(store: Store): ReplicaModel {
  return {
    userId: store.userSpace.slice('user:'.length),
    deviceId: store.deviceId,
    fields: new Map(),
    events: new Map(),
  };
}

export function copyReplica(replica: ReplicaModel): ReplicaModel {
  return {
    ...replica,
    fields: new Map([...replica.fields].map(([key, writes]) => [key, [...writes]])),
    events: new Map(replica.events),
  };
}

/** An import: the union of two sets of writes and events. */
export function mergeReplica(into: ReplicaModel, known: ReplicaModel): void {
  for (const [key, writes] of known.fields) {
    const mine = into.fields.get(key) ?? [];
    const held = new Set(mine.map((each) => each.at));
    into.fields.set(key, [...mine, ...writes.filter((each) => !held.has(each.at))]);
  }
  for (const [id, event] of known.events) if (!into.events.has(id)) into.events.set(id, event);
}

/** The writes of command `at`: each field of `values` that is not undefined, having seen its field. */
export function writeFields(
  replica: ReplicaModel,
  at: number,
  kind: string,
  record: string,
  values: object,
): void {
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const key = fieldKey(kind, record, field);
    const writes = replica.fields.get(key) ?? [];
    writes.push({ value, at, seen: new Set(writes.map((each) => each.at)) });
    replica.fields.set(key, writes);
  }
}

/** The fields whose concurrent values flag a record (docs/architecture/sync.md, "Which fields"). */
const flaggedFields: Readonly<Record<string, ReadonlySet<string>>> = {
  memory: new Set(['title', 'body', 'kind', 'tags', 'paths', 'links', 'status']),
  task: new Set(['title', 'body', 'priority', 'labels', 'links']),
};

const isTerminal = (state: TaskState) => state === 'done' || state === 'failed';

/** Whether `first` beats `second` in their field. */
function beats(kind: string, field: string, first: FieldWrite, second: FieldWrite): boolean {
  if (kind === 'task' && field === 'status') {
    const [a, b] = [first.value as TaskStatus, second.value as TaskStatus];
    if (a.epoch !== b.epoch) return a.epoch > b.epoch;
    if (isTerminal(a.state) !== isTerminal(b.state)) return isTerminal(a.state);
  }
  return first.at > second.at;
}

/** A conflicted field and its values: the current one first, then the others, newest first. */
export interface ModelConflict {
  field: string;
  values: unknown[];
}

/** A record as the model knows it: each field's winning value, and the derived flags. */
export interface ModelRecord {
  id: string;
  values: Record<string, unknown>;
  conflicts: ModelConflict[];
  hidden: boolean;
}

/** The records of `kind` whose every field in `names` has arrived. */
export function modelRecords(
  replica: ReplicaModel,
  kind: string,
  names: readonly string[],
): ModelRecord[] {
  const byRecord = new Map<string, Map<string, FieldWrite[]>>();
  for (const [key, writes] of replica.fields) {
    const [recordKind, record, field] = JSON.parse(key) as [string, string, string];
    if (recordKind !== kind) continue;
    const fields = byRecord.get(record) ?? new Map<string, FieldWrite[]>();
    fields.set(field, writes);
    byRecord.set(record, fields);
  }
  const result: ModelRecord[] = [];
  for (const [id, fields] of byRecord) {
    if (!names.every((name) => fields.has(name))) continue;
    const winners = new Map<string, FieldWrite>();
    for (const [field, writes] of fields) {
      winners.set(
        field,
        writes.reduce((best, each) => (beats(kind, field, each, best) ? each : best)),
      );
    }
    const conflicts: ModelConflict[] = [];
    for (const field of [...fields.keys()].sort()) {
      const writes = fields.get(field) ?? [];
      const winner = winners.get(field);
      if (winner === undefined || flaggedFields[kind]?.has(field) !== true) continue;
      const unseen = writes
        .filter((each) => !writes.some((other) => other !== each && other.seen.has(each.at)))
        .sort((first, second) => second.at - first.at);
      const values = new Map<string, unknown>();
      for (const each of [winner, ...unseen]) {
        const text = JSON.stringify(each.value);
        if (!values.has(text)) values.set(text, each.value);
      }
      if (values.size > 1) conflicts.push({ field, values: [...values.values()] });
    }
    const tombstone = winners.get('$deleted');
    const hidden =
      tombstone?.value === true &&
      [...winners.values()].every((each) => each === tombstone || tombstone.at > each.at);
    const values = Object.fromEntries([...winners].map(([field, each]) => [field, each.value]));
    result.push({ id, values, conflicts, hidden });
  }
  return result.sort((first, second) => (first.id < second.id ? -1 : 1));
}

const memoryFields = [
  'project',
  'provenance',
  'title',
  'body',
  'kind',
  'tags',
  'paths',
  'links',
  'status',
  'updatedAt',
] as const;
const taskFields = [
  'project',
  'provenance',
  'title',
  'body',
  'priority',
  'labels',
  'links',
  'status',
  'updatedAt',
] as const;
const sessionFields = [
  'title',
  'projectRoot',
  'provider',
  'model',
  'status',
  'createdAt',
  'updatedAt',
] as const;

/** The project's records of `kind` as `get(id, { includeDeleted: true })` returns them. */
export function modelProjectRecords(
  replica: ReplicaModel,
  kind: RecordKind,
): { record: MemoryRecord | TaskRecord; conflicts: ModelConflict[] }[] {
  return modelRecords(replica, kind, kind === 'memory' ? memoryFields : taskFields)
    .filter(({ values }) => values.project === PROJECT)
    .map(({ id, values, conflicts, hidden }) => {
      // `project` is the store's, not the record's; `$deleted` shows as `deleted`.
      const fields = Object.fromEntries(
        Object.entries(values).filter(([field]) => field !== 'project' && field !== '$deleted'),
      );
      return {
        record: { id, ...fields, conflicted: conflicts.length > 0, deleted: hidden } as
          | MemoryRecord
          | TaskRecord,
        conflicts,
      };
    });
}

const descending = (a: number | string, b: number | string) => (a < b ? 1 : a > b ? -1 : 0);
const ascending = (a: number | string, b: number | string) => -descending(a, b);

/** `memory list`: visible records, newest change first. */
export function modelMemoryList(replica: ReplicaModel): MemoryRecord[] {
  return modelProjectRecords(replica, 'memory')
    .map(({ record }) => record as MemoryRecord)
    .filter((record) => !record.deleted)
    .sort((a, b) => descending(a.updatedAt, b.updatedAt) || descending(a.id, b.id));
}

const stateOrder: Record<TaskState, number> = {
  in_progress: 0,
  queued: 1,
  blocked: 2,
  done: 3,
  failed: 3,
};

/** `task list --all`: visible tasks, in progress, queued, blocked, then done and failed; each by
 * priority, then oldest first. */
export function modelTaskList(replica: ReplicaModel): TaskRecord[] {
  return modelProjectRecords(replica, 'task')
    .map(({ record }) => record as TaskRecord)
    .filter((task) => !task.deleted)
    .sort(
      (a, b) =>
        stateOrder[a.status.state] - stateOrder[b.status.state] ||
        a.priority - b.priority ||
        a.provenance.createdAt - b.provenance.createdAt ||
        ascending(a.id, b.id),
    );
}

/** `sessions list`: most recently active first, each with its events in order. */
export function modelSessions(replica: ReplicaModel) {
  const events = [...replica.events.values()].sort((a, b) => a.at - b.at);
  return modelRecords(replica, 'session', sessionFields)
    .map(({ id, values }) => {
      const own = events.filter((event) => event.sessionId === id);
      const first = own.find((event) => event.data.type === 'user-message')?.data;
      return {
        summary: {
          id,
          ...values,
          firstUserMessage: first?.type === 'user-message' ? first.text : undefined,
          eventCount: own.length,
        } as SessionSummary,
        events: own.map(({ at: _at, ...event }) => event),
      };
    })
    .sort(
      (a, b) =>
        descending(a.summary.updatedAt, b.summary.updatedAt) ||
        descending(a.summary.createdAt, b.summary.createdAt) ||
        descending(a.summary.id, b.summary.id),
    );
}

function realSessions(store: Store) {
  return store.sessions.list().map((summary) => ({
    summary,
    events: store.sessions.events(summary.id).map(({ hlc: _hlc, seq: _seq, ...event }) => event),
  }));
}

/**
 * The store shows exactly what its model says: the lists in the same order, each deleted record
 * only through `get(id, { includeDeleted: true })`, each record's conflicted fields with their
 * values in `conflicts(id)` order, and the sessions with their events.
 */
export function expectStoreMatchesModel(store: Store, replica: ReplicaModel): void {
  const memory = store.memory({ projectRoot: PROJECT });
  const tasks = store.tasks({ projectRoot: PROJECT });
  expect(memory.list()).toEqual(modelMemoryList(replica));
  expect(tasks.list({ all: true })).toEqual(modelTaskList(replica));
  for (const kind of ['memory', 'task'] as const) {
    const records = kind === 'memory' ? memory : tasks;
    for (const { record, conflicts } of modelProjectRecords(replica, kind)) {
      const where = `${kind} ${record.id}`;
      if (record.deleted) {
        expect(records.get(record.id), where).toBeUndefined();
        expect(records.get(record.id, { includeDeleted: true }), where).toEqual(record);
      }
      expect(
        records.conflicts(record.id).map((conflict) => ({
          field: conflict.field,
          values: conflict.alternatives.map((alternative) => alternative.value),
        })),
        where,
      ).toEqual(conflicts);
    }
  }
  expect(realSessions(store)).toEqual(modelSessions(replica));
}
