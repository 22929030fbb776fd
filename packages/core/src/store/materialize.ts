import { SessionEventData, SessionFields, type SessionFieldName } from '@outpost/protocol';
import { z } from 'zod';
import { applyRecordField } from './apply-record-field.js';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { mergeField, type ApplyOutcome } from './merge-field.js';
import { isSettingOpInItsSpace } from '../settings/setting-fields.js';
import { recordKinds } from './record-kinds.js';
import { compareOps, type StoredOp } from './stored-op.js';

/**
 * The merge rules (DESIGN §3.5): one function for local appends, rebuilds and ops from other
 * devices, so every replica holding the same ops holds the same tables whatever order the ops
 * arrived in. Memory records, tasks and settings merge in `apply-record-field.ts`.
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

export type { ApplyOutcome } from './merge-field.js';

const sessionColumns: Record<SessionFieldName, string> = {
  title: 'title',
  projectRoot: 'project_root',
  provider: 'provider',
  model: 'model',
  status: 'status',
  createdAt: 'created_at',
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
      return applyRecordField(db, recordKinds.memory, op);
    case 'task':
      return applyRecordField(db, recordKinds.task, op);
    case 'setting':
      return isSettingOpInItsSpace(op) ? applyRecordField(db, recordKinds.setting, op) : 'ignored';
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

  const outcome = mergeField(db, op);
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
