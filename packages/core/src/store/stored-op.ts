import type { Op, OpRef } from '@outpost/protocol';

/**
 * An op as the log holds it. Its `kind` may be one this version of Outpost does not know (written
 * by a newer client and synced here): such ops are kept and forwarded, and the materialiser
 * ignores them (reference/sync-notes.md §4.9).
 */
export type StoredOp = Op;

/** A row of `op_log`; `value` is JSON text. */
export interface OpRow {
  device: string;
  seq: number;
  hlc: string;
  space: string;
  kind: string;
  record: string;
  field: string;
  value: string;
  /** JSON list of `OpRef`, or null. */
  base: string | null;
}

export const opColumns = 'device, seq, hlc, space, kind, record, field, value, base';

export function opFromRow(row: OpRow): StoredOp {
  return {
    device: row.device,
    seq: row.seq,
    hlc: row.hlc,
    space: row.space,
    kind: row.kind,
    record: row.record,
    field: row.field,
    value: JSON.parse(row.value) as unknown,
    ...(row.base === null ? {} : { base: JSON.parse(row.base) as OpRef[] }),
  };
}

/** The one string that names an op by `(hlc, device)`, to compare with an `OpRef`. */
export function opRefKey(op: OpRef): string {
  return `${op.hlc} ${op.device}`;
}

/**
 * The total order of ops: `(hlc, device, seq)`. Last-writer-wins picks the greatest; events
 * display in this order. Ties on `hlc` between devices break on the device id.
 */
export function compareOps(
  a: Pick<StoredOp, 'hlc' | 'device' | 'seq'>,
  b: Pick<StoredOp, 'hlc' | 'device' | 'seq'>,
): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  return Math.sign(a.seq - b.seq);
}
