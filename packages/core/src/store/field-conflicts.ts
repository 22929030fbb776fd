import type { OpRef } from '@outpost/protocol';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { parseHlc } from './hybrid-logical-clock.js';
import { compareOps, opRefKey } from './stored-op.js';

/**
 * Concurrent writes (docs/architecture/sync.md, "Conflicts"). Each op of a flagged field carries a
 * `base`: the ops of that field its writer's store showed as current when it wrote (the winner and
 * any alternative still open). An op is **superseded** when a later op of its field names it in
 * its base, or when an op without a base (written before bases existed) follows it; the others
 * are the field's **heads**: values no writer has written over knowingly. The field's **frontier**
 * is the winner plus its heads. The field is **conflicted** when the frontier holds two different
 * values: someone wrote without seeing the other value. All of this is a function of the set of
 * ops alone, so every replica holding the same ops agrees, whatever order they arrived in.
 */

/** One value of a conflicted field, as `memory show` and `task show` list them. */
export interface FieldAlternative {
  /** 1-based; what `pick` takes. The current value is 1. */
  choice: number;
  value: unknown;
  /** The device that wrote it (the newest writer of that value, if several wrote it). */
  device: string;
  /** Its hybrid logical clock timestamp, and the wall-clock milliseconds in it. */
  hlc: string;
  time: number;
  /** Whether it is the field's current value (the winner). */
  current: boolean;
}

export interface FieldConflict {
  field: string;
  alternatives: FieldAlternative[];
}

interface FieldOpRow {
  hlc: string;
  device: string;
  seq: number;
  value: string;
  base: string | null;
  winner: number;
}

interface FieldOp {
  hlc: string;
  device: string;
  seq: number;
  /** JSON text, as the log holds it. */
  value: string;
  base: OpRef[] | undefined;
  winner: boolean;
}

/** Every op of one field that merged (the winner and `field_history`), with value and base. */
function readFieldOps(db: SqliteDatabase, kind: string, record: string, field: string): FieldOp[] {
  return cachedStatement<[string, string, string, string, string, string], FieldOpRow>(
    db,
    `SELECT o.hlc, o.device, o.seq, o.value, o.base, 1 AS winner
       FROM field_versions v JOIN op_log o ON o.device = v.device AND o.seq = v.seq
      WHERE v.kind = ? AND v.record = ? AND v.field = ?
     UNION ALL
     SELECT o.hlc, o.device, o.seq, o.value, o.base, 0 AS winner
       FROM field_history h JOIN op_log o ON o.device = h.device AND o.seq = h.seq
      WHERE h.kind = ? AND h.record = ? AND h.field = ?`,
  )
    .all(kind, record, field, kind, record, field)
    .map((row) => ({
      hlc: row.hlc,
      device: row.device,
      seq: row.seq,
      value: row.value,
      base: row.base === null ? undefined : (JSON.parse(row.base) as OpRef[]),
      winner: row.winner === 1,
    }));
}

/** The winner first, then the heads, newest first. Empty for a field with no op. */
function frontierOf(ops: readonly FieldOp[]): FieldOp[] {
  const named = new Set(ops.flatMap((op) => (op.base ?? []).map(opRefKey)));
  let latestWithoutBase: FieldOp | undefined;
  for (const op of ops) {
    if (op.base !== undefined) continue;
    if (latestWithoutBase === undefined || compareOps(op, latestWithoutBase) > 0) {
      latestWithoutBase = op;
    }
  }
  return ops
    .filter(
      (op) =>
        op.winner ||
        (!named.has(opRefKey(op)) &&
          (latestWithoutBase === undefined || compareOps(op, latestWithoutBase) >= 0)),
    )
    .sort(
      (first, second) => Number(second.winner) - Number(first.winner) || compareOps(second, first),
    );
}

/**
 * The base of a new write of this field: every op of its frontier, in `(hlc, device)` order.
 * `[]` when the field has no op yet.
 */
export function fieldBase(
  db: SqliteDatabase,
  kind: string,
  record: string,
  field: string,
): OpRef[] {
  return frontierOf(readFieldOps(db, kind, record, field))
    .sort(compareOps)
    .map(({ hlc, device }) => ({ hlc, device }));
}

/** The frontier's distinct values, the current one first; more than one means conflicted. */
function alternativesOf(ops: readonly FieldOp[]): FieldAlternative[] {
  const byValue = new Map<string, FieldOp>();
  // The winner comes first; later ops of the same value do not replace the first seen.
  for (const op of frontierOf(ops)) if (!byValue.has(op.value)) byValue.set(op.value, op);
  return [...byValue.values()].map((op, index) => ({
    choice: index + 1,
    value: JSON.parse(op.value) as unknown,
    device: op.device,
    hlc: op.hlc,
    time: parseHlc(op.hlc).wallMs,
    current: op.winner,
  }));
}

/** Recomputes `field_versions.conflicted` for one field, after an op of it merged. */
export function refreshFieldConflict(
  db: SqliteDatabase,
  kind: string,
  record: string,
  field: string,
): void {
  const conflicted = alternativesOf(readFieldOps(db, kind, record, field)).length > 1 ? 1 : 0;
  cachedStatement<[number, string, string, string]>(
    db,
    `UPDATE field_versions SET conflicted = ? WHERE kind = ? AND record = ? AND field = ?`,
  ).run(conflicted, kind, record, field);
}

/** Each conflicted field of a record, in field order, with its alternatives. */
export function readFieldConflicts(
  db: SqliteDatabase,
  kind: string,
  record: string,
): FieldConflict[] {
  return cachedStatement<[string, string], { field: string }>(
    db,
    `SELECT field FROM field_versions WHERE kind = ? AND record = ? AND conflicted = 1
     ORDER BY field`,
  )
    .all(kind, record)
    .map(({ field }) => ({
      field,
      alternatives: alternativesOf(readFieldOps(db, kind, record, field)),
    }));
}
