import { cachedStatement, type SqliteDatabase } from '../store/database.js';
import { opColumns, opFromRow, type OpRow } from '../store/stored-op.js';
import { cursorCovers, type SyncCursor } from './sync-cursor.js';
import { formatSyncFile, isDeviceSpace, type SyncFileHeader } from './sync-file.js';

export interface ExportOpsOptions {
  /** Leave out the ops the holder of this cursor has (`seq <= since[device]`). */
  since?: SyncCursor;
}

export interface SyncExport {
  /** The file's content, to be written as is. */
  text: string;
  header: SyncFileHeader;
  /** How many ops of each kind the file holds. */
  kinds: Record<string, number>;
}

/** The greatest `seq` of each device in the log (device-space ops included: seqs are per device). */
export function readCursor(db: SqliteDatabase): SyncCursor {
  const rows = cachedStatement<[], { device: string; seq: number }>(
    db,
    'SELECT device, max(seq) AS seq FROM op_log GROUP BY device ORDER BY device',
  ).all();
  return Object.fromEntries(rows.map((row) => [row.device, row.seq]));
}

/**
 * Every op of the log that may leave the device and is newer than `since`, in `(hlc, device, seq)`
 * order, as a sync file. Read in one transaction, so the cursor and the ops agree.
 */
export function exportOps(
  db: SqliteDatabase,
  options: ExportOpsOptions & { device: string; now: () => number },
): SyncExport {
  const since = options.since;
  return db.transaction(() => {
    const cursor = readCursor(db);
    const ops = cachedStatement<[], OpRow>(
      db,
      `SELECT ${opColumns} FROM op_log ORDER BY hlc, device, seq`,
    )
      .all()
      .filter((row) => !isDeviceSpace(row.space))
      .filter((row) => since === undefined || !cursorCovers(since, row.device, row.seq))
      .map(opFromRow);
    const kinds = new Map<string, number>();
    for (const op of ops) kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
    const { text, header } = formatSyncFile({
      device: options.device,
      exportedAt: new Date(options.now()).toISOString(),
      since: since ?? null,
      cursor,
      ops,
    });
    return { text, header, kinds: Object.fromEntries(kinds) };
  })();
}
