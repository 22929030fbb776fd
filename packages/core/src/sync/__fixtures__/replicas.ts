import Database from 'better-sqlite3-multiple-ciphers';
import { expect } from 'vitest';
import { createHybridLogicalClock } from '../../store/hybrid-logical-clock.js';
import { migrate } from '../../store/migrations.js';
import { readOps } from '../../store/op-log.js';
import { readMaterializedState, type MaterializedState } from '../../store/rebuild.js';
import { compareOps, type StoredOp } from '../../store/stored-op.js';
import type { Store } from '../../store/store.js';
import { createRandom, shuffled } from '../../store/__fixtures__/store-fixtures.js';
import type { SyncCursor } from '../sync-cursor.js';
import { formatSyncFile } from '../sync-file.js';
import { importOps } from '../sync-import.js';

/**
 * Helpers for tests with many replicas (T1, T16 of reference/sync-notes.md §5.3): sync files of
 * any set of ops, fresh replicas fed through the importer in any order, and a reference merge
 * written independently of `materialize.ts` to check the tables against.
 */

/** Everything a replica holds that must match its peers: derived tables and op log, as text. */
export function canonicalContent(store: Store): string {
  return JSON.stringify({ state: store.readMaterializedState(), ops: store.ops() });
}

/** The greatest `seq` of each device among `ops`: a cursor covering every one of them. */
export function cursorOf(ops: readonly StoredOp[]): SyncCursor {
  const cursor: SyncCursor = {};
  for (const op of ops) cursor[op.device] = Math.max(cursor[op.device] ?? 0, op.seq);
  return cursor;
}

/**
 * A sync file holding exactly `ops`, sorted and each once (as the format requires), as if a store
 * holding them had exported them: how a test delivers any subset, in any grouping.
 */
export function syncFileOf(
  ops: readonly StoredOp[],
  options: { device?: string; cursor?: SyncCursor } = {},
): string {
  const byId = new Map(ops.map((op) => [`${op.device}/${op.seq}`, op]));
  const unique = [...byId.values()].sort(compareOps);
  return formatSyncFile({
    device: options.device ?? 'test-exporter',
    exportedAt: new Date(0).toISOString(),
    since: null,
    cursor: options.cursor ?? cursorOf(unique),
    ops: unique,
  }).text;
}

/** `ops` shuffled by `seed`, with about a fifth of them delivered a second time somewhere. */
export function permutationWithDuplicates(ops: readonly StoredOp[], seed: number): StoredOp[] {
  const random = createRandom(seed ^ 0x5bd1e995);
  const order = shuffled(ops, seed);
  for (const op of ops.filter(() => random() < 0.2)) {
    order.splice(Math.floor(random() * (order.length + 1)), 0, op);
  }
  return order;
}

/**
 * A fresh replica (an in-memory SQLite database with the store's schema) that receives `sequence`
 * through the importer, in this order: cut into files of 1 to `maxFileOps` consecutive ops (each
 * file sorted, as the format requires), repeats included. Returns its content as
 * `canonicalContent` does, so it compares with a real store's.
 */
export function replayOnFreshReplica(
  sequence: readonly StoredOp[],
  options: { seed: number; now: () => number; maxFileOps?: number },
): string {
  const random = createRandom(options.seed);
  const maxFileOps = options.maxFileOps ?? 4;
  const db = new Database(':memory:');
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, { now: options.now });
    const clock = createHybridLogicalClock({ now: options.now });
    const cursor = cursorOf(sequence);
    for (let start = 0; start < sequence.length; ) {
      const size = 1 + Math.floor(random() * maxFileOps);
      const text = syncFileOf(sequence.slice(start, start + size), { cursor });
      importOps(db, text, {
        device: 'fresh-replica',
        clock,
        now: options.now,
        maxSkewMs: Number.MAX_SAFE_INTEGER,
      });
      start += size;
    }
    return JSON.stringify({ state: readMaterializedState(db), ops: readOps(db) });
  } finally {
    db.close();
  }
}

/** The one name of an op: `device/seq`. */
export const opKey = (op: Pick<StoredOp, 'device' | 'seq'>) => `${op.device}/${op.seq}`;

/**
 * For each op a test's stores wrote (by `opKey`), the ops its writer's store held when it wrote
 * it: what the writer had seen. Recorded as the test runs (`recordWrites`), never read from the
 * ops' bases, so the reference predicts the conflict flags without the store's own rule.
 */
export type WriterKnowledge = Map<string, ReadonlySet<string>>;

/** Runs `write` on `store` and records, for every op it appended, what the store held before. */
export function recordWrites<T>(knowledge: WriterKnowledge, store: Store, write: () => T): T {
  const held: ReadonlySet<string> = new Set(store.ops().map(opKey));
  const result = write();
  for (const op of store.ops()) if (!held.has(opKey(op))) knowledge.set(opKey(op), held);
  return result;
}

/** Kinds whose fields merge one op per field; every other known kind is a session event. */
const fieldKinds = new Set(['session', 'memory', 'task']);
/** Kinds with a `$deleted` tombstone and conflict flags (docs/architecture/sync.md). */
const recordKinds = new Set(['memory', 'task']);
/**
 * The fields whose concurrent values flag a record `conflicted`, as docs/architecture/sync.md
 * lists them ("Which fields"): not `updatedAt`, `project`, `provenance`, `$deleted`, nor a task's
 * `status`, which merges by rank.
 */
const flaggedFields: Readonly<Record<string, ReadonlySet<string>>> = {
  memory: new Set(['title', 'body', 'kind', 'tags', 'paths', 'links', 'status']),
  task: new Set(['title', 'body', 'priority', 'labels', 'links']),
};

/** A task status's rank (docs/architecture/tasks.md): its epoch, then done or failed over open. */
function statusRank(value: unknown): [epoch: number, terminal: number] {
  const { state, epoch } = value as { state: string; epoch: number };
  return [epoch, state === 'done' || state === 'failed' ? 1 : 0];
}

/** Whether `op` beats `other` in their field: a task's status by rank first, then by time. */
function beats(op: StoredOp, other: StoredOp): boolean {
  if (op.kind === 'task' && op.field === 'status') {
    const [mine, theirs] = [statusRank(op.value), statusRank(other.value)];
    if (mine[0] !== theirs[0]) return mine[0] > theirs[0];
    if (mine[1] !== theirs[1]) return mine[1] > theirs[1];
  }
  return compareOps(op, other) > 0;
}

const fieldKey = (op: Pick<StoredOp, 'kind' | 'record' | 'field'>) =>
  JSON.stringify([op.kind, op.record, op.field]);
const recordKey = (kind: string, record: string) => JSON.stringify([kind, record]);

export interface ReferenceMerge {
  /**
   * The winning op of each field: the greatest in `(hlc, device, seq)`, except a task's `status`,
   * the greatest by `(epoch, done or failed, hlc, device, seq)`.
   */
  winners: Map<string, StoredOp>;
  /** Every other op of those fields: what `field_history` must hold ("nothing is lost"). */
  losers: StoredOp[];
  /** The op of each session event (the earliest, should two ever share an event id). */
  events: Map<string, StoredOp>;
  /**
   * The fields (keys as in `winners`) holding two values written without seeing each other: the
   * winner's value and that of any op no other writer of the field had seen differ.
   */
  conflicted: Set<string>;
  /**
   * Memory records and tasks (`JSON.stringify([kind, record])`) hidden by their tombstone: the
   * `$deleted` winner is `true` and later than the winner of every other field of the record.
   */
  hidden: Set<string>;
}

/**
 * The merge rules of docs/architecture/store.md, sync.md and tasks.md, computed from the op set
 * alone and, for the conflict flags, from what each writer had seen (`knowledge`, which must name
 * every op of a flagged field).
 */
export function referenceMerge(
  ops: readonly StoredOp[],
  knowledge: ReadonlyMap<string, ReadonlySet<string>>,
): ReferenceMerge {
  const winners = new Map<string, StoredOp>();
  const losers: StoredOp[] = [];
  const events = new Map<string, StoredOp>();
  const byField = new Map<string, StoredOp[]>();
  const unique = new Map(ops.map((op) => [opKey(op), op]));
  for (const op of unique.values()) {
    if (op.kind === 'session-event') {
      const existing = events.get(op.record);
      if (existing === undefined || compareOps(op, existing) < 0) events.set(op.record, op);
      continue;
    }
    if (!fieldKinds.has(op.kind)) continue;
    const key = fieldKey(op);
    const fieldOps = byField.get(key) ?? [];
    fieldOps.push(op);
    byField.set(key, fieldOps);
    const current = winners.get(key);
    if (current === undefined) winners.set(key, op);
    else if (beats(op, current)) {
      losers.push(current);
      winners.set(key, op);
    } else losers.push(op);
  }

  const conflicted = new Set<string>();
  for (const [key, fieldOps] of byField) {
    const winner = winners.get(key);
    if (winner === undefined || flaggedFields[winner.kind]?.has(winner.field) !== true) continue;
    const sawIt = (writer: StoredOp, op: StoredOp) => {
      const held = knowledge.get(opKey(writer));
      if (held === undefined) throw new Error(`no record of what ${opKey(writer)} had seen`);
      return held.has(opKey(op));
    };
    const unseen = fieldOps.filter(
      (op) => !fieldOps.some((writer) => writer !== op && sawIt(writer, op)),
    );
    const values = new Set([winner, ...unseen].map((op) => JSON.stringify(op.value)));
    if (values.size > 1) conflicted.add(key);
  }

  const hidden = new Set<string>();
  const fieldWinners = new Map<string, StoredOp[]>();
  for (const op of winners.values()) {
    if (!recordKinds.has(op.kind)) continue;
    const key = recordKey(op.kind, op.record);
    const recordWinners = fieldWinners.get(key) ?? [];
    recordWinners.push(op);
    fieldWinners.set(key, recordWinners);
  }
  for (const [key, recordWinners] of fieldWinners) {
    const tombstone = recordWinners.find((op) => op.field === '$deleted');
    if (
      tombstone?.value === true &&
      recordWinners.every((op) => op === tombstone || compareOps(tombstone, op) > 0)
    ) {
      hidden.add(key);
    }
  }
  return { winners, losers, events, conflicted, hidden };
}

const columnOf = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
/** A column holds a JSON value's text when the value is an array or object, else the value. */
const fromColumn = (value: unknown, like: unknown) =>
  typeof like === 'object' && like !== null ? (JSON.parse(String(value)) as unknown) : value;
const fieldRow = (row: Record<string, unknown>) =>
  JSON.stringify([row.kind, row.record, row.field, row.hlc, row.device, row.seq, row.conflicted]);

/**
 * The tables equal what the reference merge computes from `ops` (the columns it knows; a column a
 * later migration adds is not compared): each field's winner and its `conflicted` flag, every
 * loser in `field_history`, each event once with its own op's timestamp, and each memory record's
 * and task's columns, `deleted` and `conflicted` included.
 */
export function expectStateMatchesReference(
  state: MaterializedState,
  ops: readonly StoredOp[],
  knowledge: ReadonlyMap<string, ReadonlySet<string>>,
): ReferenceMerge {
  const reference = referenceMerge(ops, knowledge);
  const known = (row: Record<string, unknown>) => fieldKinds.has(String(row.kind));
  expect(state.field_versions.filter(known).map(fieldRow).sort()).toEqual(
    [...reference.winners.entries()]
      .map(([key, op]) => fieldRow({ ...op, conflicted: reference.conflicted.has(key) ? 1 : 0 }))
      .sort(),
  );
  // `field_history.value` is the op's JSON text, as the log holds it.
  const historyRow = (row: Record<string, unknown>) =>
    JSON.stringify([row.device, row.seq, row.value]);
  expect(state.field_history.filter(known).map(historyRow).sort()).toEqual(
    reference.losers.map((op) => historyRow({ ...op, value: JSON.stringify(op.value) })).sort(),
  );

  const rows = {
    memory: new Map(state.memory.map((row) => [String(row.id), row])),
    task: new Map(state.tasks.map((row) => [String(row.id), row])),
    session: new Map(state.sessions.map((row) => [String(row.id), row])),
  };
  for (const op of reference.winners.values()) {
    const row = rows[op.kind as keyof typeof rows].get(op.record);
    const where = `${op.kind} ${op.record} ${op.field}`;
    if (op.field === '$deleted') continue; // No column: the row's `deleted`, below.
    if (op.kind === 'task' && op.field === 'status') {
      expect({ state: row?.state, epoch: row?.epoch }, where).toEqual(op.value);
      continue;
    }
    expect(fromColumn(row?.[columnOf(op.field)], op.value), where).toEqual(op.value);
  }
  const owners = (kind: string) =>
    new Set([...reference.winners.values()].filter((op) => op.kind === kind).map((op) => op.record));
  for (const kind of ['memory', 'task'] as const) {
    expect(new Set(rows[kind].keys()), kind).toEqual(owners(kind));
    const conflictedRecords = new Set(
      [...reference.conflicted].map((key) => {
        const [fieldKind, record] = JSON.parse(key) as [string, string];
        return recordKey(fieldKind, record);
      }),
    );
    for (const [id, row] of rows[kind]) {
      const key = recordKey(kind, id);
      expect({ deleted: row.deleted, conflicted: row.conflicted }, `${kind} ${id}`).toEqual({
        deleted: reference.hidden.has(key) ? 1 : 0,
        conflicted: conflictedRecords.has(key) ? 1 : 0,
      });
    }
  }
  const sessions = owners('session');
  for (const op of reference.events.values()) {
    sessions.add((op.value as { sessionId: string }).sessionId);
  }
  expect(new Set(rows.session.keys())).toEqual(sessions);

  expect(state.session_events.map((row) => row.id).sort()).toEqual(
    [...reference.events.keys()].sort(),
  );
  for (const row of state.session_events) {
    const op = reference.events.get(String(row.id));
    const value = op?.value as { sessionId: string; time: number; data: { type: string } };
    expect(row).toMatchObject({
      session_id: value.sessionId,
      type: value.data.type,
      hlc: op?.hlc,
      device: op?.device,
      seq: op?.seq,
      time: value.time,
    });
    expect(JSON.parse(String(row.data))).toEqual(value.data);
  }
  return reference;
}
