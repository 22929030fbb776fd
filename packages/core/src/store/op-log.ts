import { Op, type OpRef, type RecordKind, type SpaceId } from '@outpost/protocol';
import { StoreError } from '../errors/store-error.js';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { formatHlc, parseHlc, type HybridLogicalClock } from './hybrid-logical-clock.js';
import { applyOp, type ApplyOutcome } from './materialize.js';
import { MetaKey, readMeta, writeMeta } from './meta.js';
import { opColumns, opFromRow, type OpRow, type StoredOp } from './stored-op.js';

/** What a caller decides about a local op; the log assigns `device`, `seq` and `hlc`. */
export interface OpDraft {
  space: SpaceId;
  kind: RecordKind;
  record: string;
  field: string;
  /** Any JSON value. */
  value: unknown;
  /** The ops of this field the writer saw as current (`fieldBase`); only on flagged fields. */
  base?: OpRef[];
}

/**
 * Appends local ops, inside the caller's write transaction (`writeTransaction`):
 * - `seq` continues this device's sequence, read from the log in this transaction, so it has no
 *   gaps even when two processes share the file;
 * - each op gets a fresh timestamp from `clock`, after the clock has observed the state persisted
 *   by the last local op (by this process, another one, or before a restart), and the new state is
 *   persisted in the same transaction, so no timestamp is ever issued twice, even when the wall
 *   clock jumps backwards;
 * - each op is applied through the materialiser.
 */
export function appendOps(
  db: SqliteDatabase,
  clock: HybridLogicalClock,
  drafts: readonly OpDraft[],
): Op[] {
  if (!db.inTransaction) {
    throw new StoreError('appendOps must run inside a write transaction (writeTransaction)');
  }
  const device = readMeta(db, MetaKey.deviceId);
  if (device === undefined) {
    throw new StoreError(`the store at ${db.name} has no device id; open it with openStore`);
  }
  const persisted = readMeta(db, MetaKey.hybridLogicalClock);
  if (persisted !== undefined) clock.observe(parseHlc(persisted));
  const last = cachedStatement<[string], { seq: number; hlc: string }>(
    db,
    'SELECT seq, hlc FROM op_log WHERE device = ? ORDER BY seq DESC LIMIT 1',
  ).get(device);
  // Belt and braces: the clock also passes this device's newest op.
  if (last !== undefined) clock.observe(parseHlc(last.hlc));

  let seq = last?.seq ?? 0;
  const ops = drafts.map((draft) => {
    seq += 1;
    const serialized = serialize(draft.value);
    // Applied from its JSON form, exactly as a rebuild will see it.
    const value = JSON.parse(serialized) as unknown;
    const op = Op.parse({ ...draft, device, seq, hlc: clock.tick(), value });
    insertRow(db, op, serialized);
    applyOp(db, op);
    return op;
  });
  writeMeta(db, MetaKey.hybridLogicalClock, formatHlc(clock.state()));
  return ops;
}

/**
 * Adds an op made elsewhere (a replay, and later an op pulled from the hub) to the log and applies
 * it, inside the caller's transaction. Returns `duplicate` without changing anything when
 * `(device, seq)` is already in the log. It does not advance the local clock: the sync layer calls
 * `clock.receive` first, which also enforces the clock-skew limit.
 */
export function insertOp(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  if (!db.inTransaction) {
    throw new StoreError('insertOp must run inside a write transaction (writeTransaction)');
  }
  if (!insertRow(db, op, serialize(op.value))) return 'duplicate';
  return applyOp(db, op);
}

/** Every op in the log, in `(hlc, device, seq)` order. */
export function readOps(db: SqliteDatabase): StoredOp[] {
  return cachedStatement<[], OpRow>(db, `SELECT ${opColumns} FROM op_log ORDER BY hlc, device, seq`)
    .all()
    .map(opFromRow);
}

function insertRow(db: SqliteDatabase, op: StoredOp, value: string): boolean {
  const result = cachedStatement<
    [string, number, string, string, string, string, string, string, string | null]
  >(
    db,
    `INSERT INTO op_log (${opColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (device, seq) DO NOTHING`,
  ).run(
    op.device,
    op.seq,
    op.hlc,
    op.space,
    op.kind,
    op.record,
    op.field,
    value,
    op.base === undefined ? null : JSON.stringify(op.base),
  );
  return result.changes === 1;
}

function serialize(value: unknown): string {
  const serialized = JSON.stringify(value) as string | undefined;
  if (serialized === undefined) throw new StoreError('an op value must be a JSON value');
  return serialized;
}
