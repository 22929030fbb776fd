import { cachedStatement, type SqliteDatabase } from './database.js';
import { refreshFieldConflict } from './field-conflicts.js';
import { mergeField, type ApplyOutcome } from './merge-field.js';
import { TOMBSTONE_FIELD, type ColumnValue, type RecordKindSpec } from './record-kinds.js';
import { compareOps, type StoredOp } from './stored-op.js';

/**
 * Applies one op of a memory record or a task: per-field merge (`mergeField`: last-writer-wins,
 * or by rank for a task's status), the winning value into its columns, then the derived flags —
 * the field's `conflicted` state (`field-conflicts.ts`) and the row's `conflicted` and `deleted`
 * columns. Every flag is recomputed from the field's or record's merged ops, so the result is the
 * same whatever order the ops arrive in, and a rebuild reproduces it.
 *
 * Only the shape of a value is checked here (a record's limits are enforced where a local write
 * enters the store), so a value a newer client may write is merged the same way on every replica.
 */
export function applyRecordField(
  db: SqliteDatabase,
  spec: RecordKindSpec,
  op: StoredOp,
): ApplyOutcome {
  const schema = Object.hasOwn(spec.fields, op.field) ? spec.fields[op.field] : undefined;
  if (schema === undefined) return 'ignored';
  const parsed = schema.safeParse(op.value);
  if (!parsed.success) return 'ignored';

  const outcome = mergeField(db, op, spec.ranks[op.field]);
  if (outcome === 'applied') writeColumns(db, spec, op.record, spec.columns(op.field, parsed.data));
  if (outcome === 'applied' || outcome === 'superseded') {
    if (spec.flagged.has(op.field)) refreshFieldConflict(db, spec.kind, op.record, op.field);
    refreshRecordFlags(db, spec, op.record);
  }
  return outcome;
}

function writeColumns(
  db: SqliteDatabase,
  spec: RecordKindSpec,
  record: string,
  columns: Record<string, ColumnValue>,
): void {
  const names = Object.keys(columns);
  if (names.length === 0) {
    cachedStatement<[string]>(
      db,
      `INSERT INTO ${spec.table} (id) VALUES (?) ON CONFLICT (id) DO NOTHING`,
    ).run(record);
    return;
  }
  cachedStatement<[string, ...ColumnValue[]]>(
    db,
    `INSERT INTO ${spec.table} (id, ${names.join(', ')}) VALUES (?${', ?'.repeat(names.length)})
     ON CONFLICT (id) DO UPDATE SET ${names.map((name) => `${name} = excluded.${name}`).join(', ')}`,
  ).run(record, ...Object.values(columns));
}

interface WinnerRow {
  field: string;
  hlc: string;
  device: string;
  seq: number;
  conflicted: number;
  value: string;
}

/**
 * `conflicted`: some field of the record is. `deleted`: the `$deleted` winner is `true` and newer,
 * by `(hlc, device)`, than the winner of every other field — so a later edit of any field brings
 * the record back, and a later delete hides it again.
 */
function refreshRecordFlags(db: SqliteDatabase, spec: RecordKindSpec, record: string): void {
  const winners = cachedStatement<[string, string], WinnerRow>(
    db,
    `SELECT v.field, v.hlc, v.device, v.seq, v.conflicted, o.value
       FROM field_versions v JOIN op_log o ON o.device = v.device AND o.seq = v.seq
      WHERE v.kind = ? AND v.record = ?`,
  ).all(spec.kind, record);
  const tombstone = winners.find((row) => row.field === TOMBSTONE_FIELD);
  const deleted =
    tombstone !== undefined &&
    tombstone.value === 'true' &&
    winners.every((row) => row === tombstone || compareOps(tombstone, row) > 0);
  const conflicted = winners.some((row) => row.conflicted === 1);
  cachedStatement<[number, number, string]>(
    db,
    `UPDATE ${spec.table} SET deleted = ?, conflicted = ? WHERE id = ?`,
  ).run(deleted ? 1 : 0, conflicted ? 1 : 0, record);
}
