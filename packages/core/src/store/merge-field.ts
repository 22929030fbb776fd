import { StoreError } from '../errors/store-error.js';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { compareOps, type StoredOp } from './stored-op.js';

/**
 * - `applied`: the op changed the materialised state (a new field winner, a new event);
 * - `superseded`: it lost to a later write and was kept in `field_history`;
 * - `duplicate`: it had been applied already, nothing changed;
 * - `ignored`: a kind, field or value this version does not know; it stays in the op log only.
 */
export type ApplyOutcome = 'applied' | 'superseded' | 'duplicate' | 'ignored';

/**
 * Orders two values of one field before `(hlc, device, seq)` decides: negative when `first`
 * ranks below `second`, 0 when time alone should decide (a task's status ranks by epoch first).
 */
export type ValueRank = (first: unknown, second: unknown) => number;

interface VersionRow {
  hlc: string;
  device: string;
  seq: number;
}

/**
 * Compares `op` with the current winner of its field: the greater by `rank` (when given), then by
 * `(hlc, device, seq)`, wins. The winner is recorded in `field_versions`; the loser (the old
 * winner or `op`) is copied from `op_log` into `field_history`. The caller writes the winning
 * value into its materialised column when the outcome is `applied`. Since the result is the
 * maximum over a total order, it does not depend on the order ops arrive in.
 */
export function mergeField(db: SqliteDatabase, op: StoredOp, rank?: ValueRank): ApplyOutcome {
  const winner = cachedStatement<[string, string, string], VersionRow>(
    db,
    'SELECT hlc, device, seq FROM field_versions WHERE kind = ? AND record = ? AND field = ?',
  ).get(op.kind, op.record, op.field);
  if (winner !== undefined && winner.device === op.device && winner.seq === op.seq) {
    return 'duplicate';
  }
  if (winner !== undefined && compareRanked(db, op, winner, rank) < 0) {
    return copyToHistory(db, op) ? 'superseded' : 'duplicate';
  }
  if (winner !== undefined && !copyToHistory(db, winner)) {
    throw new StoreError(
      `the store at ${db.name} is inconsistent: field_history already holds the winning op ` +
        `(${winner.device}, ${winner.seq}); run a rebuild`,
    );
  }
  cachedStatement<[string, string, string, string, string, number]>(
    db,
    `INSERT INTO field_versions (kind, record, field, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind, record, field)
     DO UPDATE SET hlc = excluded.hlc, device = excluded.device, seq = excluded.seq`,
  ).run(op.kind, op.record, op.field, op.hlc, op.device, op.seq);
  return 'applied';
}

function compareRanked(
  db: SqliteDatabase,
  op: StoredOp,
  winner: VersionRow,
  rank: ValueRank | undefined,
): number {
  if (rank !== undefined) {
    const row = cachedStatement<[string, number], { value: string }>(
      db,
      'SELECT value FROM op_log WHERE device = ? AND seq = ?',
    ).get(winner.device, winner.seq);
    if (row === undefined) {
      throw new StoreError(
        `the store at ${db.name} is inconsistent: the winning op (${winner.device}, ` +
          `${winner.seq}) is not in the op log; run a rebuild`,
      );
    }
    const ranked = rank(op.value, JSON.parse(row.value) as unknown);
    if (ranked !== 0) return ranked;
  }
  return compareOps(op, winner);
}

/** Returns false when the op was already in `field_history`. */
function copyToHistory(db: SqliteDatabase, op: Pick<StoredOp, 'device' | 'seq'>): boolean {
  const exists = cachedStatement<[string, number]>(
    db,
    'SELECT 1 FROM op_log WHERE device = ? AND seq = ?',
  ).get(op.device, op.seq);
  if (exists === undefined) {
    throw new StoreError(
      `cannot merge op (${op.device}, ${op.seq}): it is not in the op log of ${db.name}`,
    );
  }
  const result = cachedStatement<[string, number]>(
    db,
    `INSERT INTO field_history (kind, record, field, value, hlc, device, seq)
     SELECT kind, record, field, value, hlc, device, seq FROM op_log WHERE device = ? AND seq = ?
     ON CONFLICT (device, seq) DO NOTHING`,
  ).run(op.device, op.seq);
  return result.changes === 1;
}
