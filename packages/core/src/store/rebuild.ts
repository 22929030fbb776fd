import { cachedStatement, writeTransaction, type SqliteDatabase } from './database.js';
import { applyOp } from './materialize.js';
import { opColumns, opFromRow, type OpRow } from './stored-op.js';

/** The tables derived from the op log, children before parents (the order to clear them in). */
export const materializedTables = [
  'memory',
  'tasks',
  'settings',
  'session_events',
  'sessions',
  'field_history',
  'field_versions',
] as const;
export type MaterializedTable = (typeof materializedTables)[number];

/** Every row of every derived table, in a canonical order: equal states compare equal. */
export type MaterializedState = Record<MaterializedTable, Record<string, unknown>[]>;

const canonicalOrder: Record<MaterializedTable, string> = {
  memory: 'id',
  tasks: 'id',
  settings: 'id',
  session_events: 'id',
  sessions: 'id',
  field_history: 'device, seq',
  field_versions: 'kind, record, field',
};

const batchSize = 1000;

/**
 * Throws away every derived table and replays the whole op log through the materialiser in
 * `(hlc, device, seq)` order, in one transaction. The result must equal the state the ops built
 * as they arrived; that equality is the store's main test oracle.
 */
export function rebuildFromOpLog(db: SqliteDatabase): void {
  writeTransaction(db, () => {
    for (const table of materializedTables) db.exec(`DELETE FROM ${table}`);
    // Read in batches: better-sqlite3 cannot write while a statement is being iterated.
    const next = cachedStatement<[string, string, number], OpRow>(
      db,
      `SELECT ${opColumns} FROM op_log WHERE (hlc, device, seq) > (?, ?, ?)
       ORDER BY hlc, device, seq LIMIT ${batchSize}`,
    );
    let after: [string, string, number] = ['', '', 0];
    for (;;) {
      const rows = next.all(...after);
      for (const row of rows) applyOp(db, opFromRow(row));
      const last = rows.at(-1);
      if (last === undefined || rows.length < batchSize) break;
      after = [last.hlc, last.device, last.seq];
    }
  });
}

export function readMaterializedState(db: SqliteDatabase): MaterializedState {
  const read = (table: MaterializedTable) =>
    db.prepare(`SELECT * FROM ${table} ORDER BY ${canonicalOrder[table]}`).all() as Record<
      string,
      unknown
    >[];
  return {
    memory: read('memory'),
    tasks: read('tasks'),
    settings: read('settings'),
    session_events: read('session_events'),
    sessions: read('sessions'),
    field_history: read('field_history'),
    field_versions: read('field_versions'),
  };
}
