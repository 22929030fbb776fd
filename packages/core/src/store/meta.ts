import { cachedStatement, type SqliteDatabase } from './database.js';

/** Keys of the local-only `meta` table (never synced). */
export const MetaKey = {
  /** This install's device incarnation id (reference/sync-notes.md §4.2). */
  deviceId: 'device_id',
  /** The local user's id; their records live in the space `user:<id>`. */
  userId: 'user_id',
  /** The hybrid logical clock state after the last local op, as `wwwwwwwwwwww-cccc`. */
  hybridLogicalClock: 'hlc',
  /** Set once the incarnation marker beside the file is kept (`incarnation.ts`). */
  incarnationMarker: 'incarnation_marker',
  /** JSON list of this store's earlier device ids, oldest first (`PreviousDevice[]`). */
  previousDeviceIds: 'previous_device_ids',
} as const;
export type MetaKey = (typeof MetaKey)[keyof typeof MetaKey];

export function readMeta(db: SqliteDatabase, key: MetaKey): string | undefined {
  return cachedStatement<[string], { value: string }>(
    db,
    'SELECT value FROM meta WHERE key = ?',
  ).get(key)?.value;
}

export function writeMeta(db: SqliteDatabase, key: MetaKey, value: string): void {
  cachedStatement<[string, string]>(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

/** Stores `value` unless the key already has one; returns the value the key ends up with. */
export function readOrInitializeMeta(
  db: SqliteDatabase,
  key: MetaKey,
  value: () => string,
): string {
  const existing = readMeta(db, key);
  if (existing !== undefined) return existing;
  const created = value();
  writeMeta(db, key, created);
  return created;
}
