import { StoreError } from '../errors/store-error.js';
import { cachedStatement, writeTransaction, type SqliteDatabase } from '../store/database.js';
import {
  createHybridLogicalClock,
  formatHlc,
  parseHlc,
  type HybridLogicalClock,
} from '../store/hybrid-logical-clock.js';
import { MetaKey, readMeta, writeMeta } from '../store/meta.js';
import { insertOp } from '../store/op-log.js';
import { recordKinds } from '../store/record-kinds.js';
import type { StoredOp } from '../store/stored-op.js';
import { readCursor } from './sync-export.js';
import { cursorCovers, type SyncCursor } from './sync-cursor.js';
import { parseSyncFile } from './sync-file.js';
import { SyncFileError } from './sync-file-error.js';

/**
 * A field where this import met two values written without seeing each other. `won`: an incoming
 * op replaced this store's value, which the exporting store did not have; `lost`: this store's
 * value stays and the incoming one is kept in `field_history`. `updatedAt` fields, which every
 * edit writes, are not listed.
 */
export interface SyncConflict {
  kind: string;
  record: string;
  field: string;
  result: 'won' | 'lost';
  /**
   * How the kept value was chosen: `last-writer-wins`, the later write; `rank`, a task's status:
   * the later epoch, then done or failed over an open state, and only then the later write
   * (docs/architecture/tasks.md).
   */
  rule: 'last-writer-wins' | 'rank';
}

export interface SyncImportSummary {
  /** The device that wrote the file. */
  from: string;
  received: number;
  /** Ops this store did not have, now in its log. */
  added: number;
  alreadyPresent: number;
  /** New ops that changed the tables, per kind. */
  applied: Record<string, number>;
  /** New ops that lost their field to a later write (kept in `field_history`). */
  superseded: number;
  /** New ops of a kind or field this version does not know (kept in the log only). */
  ignored: number;
  conflicts: SyncConflict[];
  /** What this store holds now: give it to the other side's `export --since`. */
  cursor: SyncCursor;
}

export interface ImportOpsOptions {
  device: string;
  clock: HybridLogicalClock;
  now: () => number;
  maxSkewMs: number;
}

interface Winner {
  device: string;
  seq: number;
}

const lastWriterWinsKinds = new Set(['session', 'memory', 'task', 'setting']);

/**
 * Imports a sync file: everything is checked first (the file on its own, then against this store:
 * an op whose `(device, seq)` is here with other content, an op claiming this device that it
 * never wrote, a timestamp too far ahead of this clock), and any problem throws `SyncFileError` or
 * `ClockSkewError` with nothing written. Then, in one transaction, each op this store lacks is
 * added to the log, the clock receives its timestamp, and the materialiser applies it: the same
 * merge as local writes, so two stores holding the same ops hold the same tables.
 */
export function importOps(
  db: SqliteDatabase,
  text: string,
  options: ImportOpsOptions,
): SyncImportSummary {
  const { header, ops } = parseSyncFile(text);
  return writeTransaction(db, () => {
    const fresh = ops.filter((op) => !isPresent(db, op, options.device));
    checkSkew(fresh, options);

    const before = new Map<string, Winner | undefined>();
    for (const op of fresh) {
      const key = fieldKey(op);
      if (lastWriterWinsKinds.has(op.kind) && !before.has(key)) before.set(key, winnerOf(db, op));
    }

    const persisted = readMeta(db, MetaKey.hybridLogicalClock);
    if (persisted !== undefined) options.clock.observe(parseHlc(persisted));
    const applied = new Map<string, number>();
    let superseded = 0;
    let ignored = 0;
    for (const op of fresh) {
      options.clock.receive(op.hlc);
      const outcome = insertOp(db, op);
      if (outcome === 'applied') applied.set(op.kind, (applied.get(op.kind) ?? 0) + 1);
      else if (outcome === 'superseded') superseded += 1;
      else if (outcome === 'ignored') ignored += 1;
      else {
        throw new StoreError(`op (${op.device}, ${op.seq}) was checked as new but is in the log`);
      }
    }
    if (fresh.length > 0)
      writeMeta(db, MetaKey.hybridLogicalClock, formatHlc(options.clock.state()));

    const conflicts: SyncConflict[] = [];
    for (const op of fresh) {
      const key = fieldKey(op);
      const local = before.get(key);
      before.delete(key);
      if (local === undefined || op.field === 'updatedAt') continue;
      const after = winnerOf(db, op);
      if (after === undefined) continue;
      const kept = after.device === local.device && after.seq === local.seq;
      // An incoming op that replaced a value its exporter had is an ordinary later edit. One that
      // lost was written without this store's value: this store had not seen it, so neither had.
      if (!kept && cursorCovers(header.cursor, local.device, local.seq)) continue;
      conflicts.push({
        kind: op.kind,
        record: op.record,
        field: op.field,
        result: kept ? 'lost' : 'won',
        rule: isRanked(op) ? 'rank' : 'last-writer-wins',
      });
    }

    return {
      from: header.device,
      received: ops.length,
      added: fresh.length,
      alreadyPresent: ops.length - fresh.length,
      applied: Object.fromEntries(applied),
      superseded,
      ignored,
      conflicts,
      cursor: readCursor(db),
    };
  });
}

/**
 * Whether the op is already in the log. The same `(device, seq)` with other content is refused:
 * the file was tampered with, or two stores share a device id (a copied store).
 */
function isPresent(db: SqliteDatabase, op: StoredOp, localDevice: string): boolean {
  const row = cachedStatement<
    [string, number],
    Omit<StoredOp, 'value' | 'base'> & { value: string; base: string | null }
  >(
    db,
    'SELECT device, seq, hlc, space, kind, record, field, value, base FROM op_log WHERE device = ? AND seq = ?',
  ).get(op.device, op.seq);
  const isLocal = op.device === localDevice;
  if (row === undefined) {
    if (isLocal) {
      throw new SyncFileError(
        `the file holds op ${op.seq} of this device (${localDevice}), which this store never ` +
          'wrote: it comes from a copy or an older backup of this store, or was forged',
      );
    }
    return false;
  }
  const same =
    row.hlc === op.hlc &&
    row.space === op.space &&
    row.kind === op.kind &&
    row.record === op.record &&
    row.field === op.field &&
    row.value === JSON.stringify(op.value) &&
    row.base === (op.base === undefined ? null : JSON.stringify(op.base));
  if (!same) {
    throw new SyncFileError(
      `the file's op (${op.device}, ${op.seq}) differs from the op with that id in this store` +
        (isLocal ? ', which this device wrote' : '') +
        ': the file was changed, or two stores share a device id',
    );
  }
  return true;
}

/** The clock's receive rule on a copy, so a refusal leaves the store's clock untouched. */
function checkSkew(ops: readonly StoredOp[], options: ImportOpsOptions): void {
  const latest = ops.reduce<string | undefined>(
    (max, op) => (max === undefined || op.hlc > max ? op.hlc : max),
    undefined,
  );
  if (latest === undefined) return;
  createHybridLogicalClock({ now: options.now, maxSkewMs: options.maxSkewMs }).receive(latest);
}

/** Whether the op's field merges by a rank before time (a task's status). */
function isRanked(op: StoredOp): boolean {
  const spec = op.kind === 'memory' || op.kind === 'task' ? recordKinds[op.kind] : undefined;
  return spec !== undefined && Object.hasOwn(spec.ranks, op.field);
}

function fieldKey(op: StoredOp): string {
  return JSON.stringify([op.kind, op.record, op.field]);
}

function winnerOf(db: SqliteDatabase, op: StoredOp): Winner | undefined {
  return cachedStatement<[string, string, string], Winner>(
    db,
    'SELECT device, seq FROM field_versions WHERE kind = ? AND record = ? AND field = ?',
  ).get(op.kind, op.record, op.field);
}
