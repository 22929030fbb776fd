import { SessionEventData, SessionFields, type SessionFieldName } from '@outpost/protocol';
import { z } from 'zod';
import { StoreError } from '../errors/store-error.js';
import { MemoryFields, type MemoryFieldName } from '../memory/memory-fields.js';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { compareOps, type StoredOp } from './stored-op.js';

/**
 * The merge rules (DESIGN §3.5): one function for local appends, rebuilds and (later) ops from
 * other devices, so every replica holding the same ops holds the same tables whatever order the
 * ops arrived in.
 */

/** The value of a `session-event` op (field `$event`, record = the event id). */
export const SessionEventOpValue = z.object({
  sessionId: z.string().min(1),
  /** Wall-clock milliseconds when the event was recorded. */
  time: z.number().int(),
  data: SessionEventData,
});
export type SessionEventOpValue = z.infer<typeof SessionEventOpValue>;

export const SESSION_EVENT_FIELD = '$event';

/**
 * - `applied`: the op changed the materialised state (a new field winner, a new event);
 * - `superseded`: it lost to a later write and was kept in `field_history`;
 * - `duplicate`: it had been applied already, nothing changed;
 * - `ignored`: a kind, field or value this version does not know; it stays in the op log only.
 */
export type ApplyOutcome = 'applied' | 'superseded' | 'duplicate' | 'ignored';

const sessionColumns: Record<SessionFieldName, string> = {
  title: 'title',
  projectRoot: 'project_root',
  provider: 'provider',
  model: 'model',
  status: 'status',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** `memory` fields and their columns; arrays and objects are stored as JSON text. */
const memoryColumns: Record<MemoryFieldName, string> = {
  project: 'project',
  provenance: 'provenance',
  title: 'title',
  body: 'body',
  kind: 'kind',
  tags: 'tags',
  paths: 'paths',
  links: 'links',
  status: 'status',
  updatedAt: 'updated_at',
};

interface VersionRow {
  hlc: string;
  device: string;
  seq: number;
}

/**
 * Applies one op to the materialised tables. Precondition: the op is already in `op_log` (losing
 * values are copied from there into `field_history`). Applying an op twice changes nothing. Runs
 * inside the caller's transaction.
 */
export function applyOp(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  switch (op.kind) {
    case 'session':
      return applySessionField(db, op);
    case 'session-event':
      return applySessionEvent(db, op);
    case 'memory':
      return applyMemoryField(db, op);
    default:
      return 'ignored';
  }
}

/** `session` records: per-field last-writer-wins by `(hlc, device, seq)`; losers go to history. */
function applySessionField(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  if (!Object.hasOwn(sessionColumns, op.field)) return 'ignored';
  const field = op.field as SessionFieldName;
  const parsed = SessionFields.shape[field].safeParse(op.value);
  if (!parsed.success) return 'ignored';

  const outcome = mergeLastWriterWins(db, op);
  if (outcome === 'applied') {
    const column = sessionColumns[field];
    cachedStatement<[string, unknown]>(
      db,
      `INSERT INTO sessions (id, ${column}) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET ${column} = excluded.${column}`,
    ).run(op.record, parsed.data);
  }
  return outcome;
}

/**
 * `memory` records: per-field last-writer-wins, exactly like sessions. Only the shape of a value is
 * checked here (a record's limits are enforced where a local write enters the store), so a value a
 * newer client may write is merged the same way on every replica.
 */
function applyMemoryField(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  if (!Object.hasOwn(memoryColumns, op.field)) return 'ignored';
  const field = op.field as MemoryFieldName;
  const parsed = MemoryFields.shape[field].safeParse(op.value);
  if (!parsed.success) return 'ignored';

  const outcome = mergeLastWriterWins(db, op);
  if (outcome === 'applied') {
    const column = memoryColumns[field];
    const value = parsed.data;
    cachedStatement<[string, unknown]>(
      db,
      `INSERT INTO memory (id, ${column}) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET ${column} = excluded.${column}`,
    ).run(op.record, typeof value === 'object' ? JSON.stringify(value) : value);
  }
  return outcome;
}

/**
 * Compares `op` with the current winner of its field. The winner is recorded in `field_versions`;
 * the loser (the old winner or `op`) is copied from `op_log` into `field_history`. The caller
 * writes the winning value into its materialised column when the outcome is `applied`.
 */
function mergeLastWriterWins(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  const winner = cachedStatement<[string, string, string], VersionRow>(
    db,
    'SELECT hlc, device, seq FROM field_versions WHERE kind = ? AND record = ? AND field = ?',
  ).get(op.kind, op.record, op.field);
  if (winner !== undefined && winner.device === op.device && winner.seq === op.seq) {
    return 'duplicate';
  }
  if (winner !== undefined && compareOps(op, winner) < 0) {
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

/**
 * `session-event` records: a grow-only set keyed by event id. The session row is created empty if
 * its own ops have not arrived yet. Should two ops ever carry the same event id, the earliest in
 * `(hlc, device, seq)` order wins, so the result does not depend on arrival order.
 */
function applySessionEvent(db: SqliteDatabase, op: StoredOp): ApplyOutcome {
  if (op.field !== SESSION_EVENT_FIELD) return 'ignored';
  const parsed = SessionEventOpValue.safeParse(op.value);
  if (!parsed.success) return 'ignored';
  const { sessionId, time, data } = parsed.data;

  cachedStatement<[string]>(
    db,
    'INSERT INTO sessions (id) VALUES (?) ON CONFLICT (id) DO NOTHING',
  ).run(sessionId);
  const existing = cachedStatement<[string], VersionRow>(
    db,
    'SELECT hlc, device, seq FROM session_events WHERE id = ?',
  ).get(op.record);
  if (existing !== undefined) {
    if (existing.device === op.device && existing.seq === op.seq) return 'duplicate';
    if (compareOps(existing, op) < 0) return 'superseded';
  }
  cachedStatement<[string, string, string, string, string, string, number, number]>(
    db,
    `INSERT INTO session_events (id, session_id, type, data, hlc, device, seq, time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, type = excluded.type,
       data = excluded.data, hlc = excluded.hlc, device = excluded.device, seq = excluded.seq,
       time = excluded.time`,
  ).run(op.record, sessionId, data.type, JSON.stringify(data), op.hlc, op.device, op.seq, time);
  return 'applied';
}
