import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { StoreError } from '../errors/store-error.js';
import { cachedStatement, type SqliteDatabase } from './database.js';
import { MetaKey, readMeta, writeMeta } from './meta.js';

/**
 * Device incarnations (reference/sync-notes.md §4.2, docs/architecture/store.md): ops are
 * identified by `(device, seq)`, so a store file restored from a backup or copied elsewhere must
 * not go on writing under its old device id, or it would reissue pairs the other copy already
 * used for other ops. A marker file beside the store (`outpost.db.incarnation`) records the device
 * id and the newest local `seq` this store had committed; on open, a store that does not match
 * its marker starts a new incarnation: a new device id, with `seq` from 1.
 */
export const IncarnationMarker = z.object({
  device: z.string().min(1),
  seq: z.number().int().nonnegative(),
});
export type IncarnationMarker = z.infer<typeof IncarnationMarker>;

/** Why a store started a new incarnation on open. */
export type IncarnationReason =
  /** The marker is missing or unreadable though this store has kept one: copied or moved here. */
  | 'marker-missing'
  /** The marker names another device id: another store's file was copied or restored over. */
  | 'other-device'
  /** The marker has a newer `seq` than the file: an older copy was restored. */
  | 'older-copy';

export interface NewIncarnation {
  /** The device id this store had before. */
  previous: string;
  reason: IncarnationReason;
}

/** An earlier device id of this store, as kept in `meta` (`previous_device_ids`). */
export interface PreviousDevice {
  device: string;
  /** ISO time at which the next incarnation started. */
  until: string;
  reason: IncarnationReason;
}

export function incarnationMarkerPath(storePath: string): string {
  return `${storePath}.incarnation`;
}

/** The marker, or `undefined` when it is missing or cannot be read as one. */
export function readIncarnationMarker(path: string): IncarnationMarker | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // A missing or unreadable marker is the case `settleIncarnation` decides about.
    return undefined;
  }
  try {
    const parsed = IncarnationMarker.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON (e.g. cut short by a crash): the same as a missing marker.
    return undefined;
  }
}

/** Replaces the marker whole (a temporary file renamed over it). */
export function writeIncarnationMarker(path: string, marker: IncarnationMarker): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(marker)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`cannot write the incarnation marker ${path}: ${reason}`, {
      cause: error,
    });
  }
}

export function sameMarker(
  a: IncarnationMarker | undefined,
  b: IncarnationMarker | undefined,
): boolean {
  return a?.device === b?.device && a?.seq === b?.seq;
}

/** This store's device id and its newest local `seq` (0 before the first op). */
export function readLocalMarker(db: SqliteDatabase): IncarnationMarker | undefined {
  const device = readMeta(db, MetaKey.deviceId);
  if (device === undefined) return undefined;
  return { device, seq: localSeq(db, device) };
}

export interface SettleIncarnationOptions {
  /** The marker as read from the file beside the store, before this transaction. */
  marker: IncarnationMarker | undefined;
  newDeviceId: () => string;
  now: () => number;
}

export interface SettledIncarnation {
  deviceId: string;
  /** What the marker file must now hold. */
  marker: IncarnationMarker;
  newIncarnation: NewIncarnation | undefined;
}

/**
 * Decides, inside the open transaction, whether this file continues its device or starts a new
 * incarnation. The rule:
 * - no device id yet (a new store): create one;
 * - the marker names this device with a `seq` no newer than the file's: a normal reopen;
 * - no marker, and the store never kept one (written before incarnations existed): adopt it;
 * - otherwise (no marker though one was kept, another device, or a newer `seq`): a new
 *   incarnation. The old device id goes to `previous_device_ids`, and the persisted clock is
 *   raised to the newest timestamp in the log, so the new device's first op sorts after all.
 */
export function settleIncarnation(
  db: SqliteDatabase,
  options: SettleIncarnationOptions,
): SettledIncarnation {
  const current = readLocalMarker(db);
  const kept = readMeta(db, MetaKey.incarnationMarker) !== undefined;
  if (!kept) writeMeta(db, MetaKey.incarnationMarker, 'kept');
  if (current === undefined) {
    const deviceId = options.newDeviceId();
    writeMeta(db, MetaKey.deviceId, deviceId);
    return { deviceId, marker: { device: deviceId, seq: 0 }, newIncarnation: undefined };
  }
  const reason = incarnationReason(options.marker, current, kept);
  if (reason === undefined) {
    return { deviceId: current.device, marker: current, newIncarnation: undefined };
  }

  const deviceId = options.newDeviceId();
  const previous: PreviousDevice[] = [
    ...readPreviousDevices(db),
    { device: current.device, until: new Date(options.now()).toISOString(), reason },
  ];
  writeMeta(db, MetaKey.previousDeviceIds, JSON.stringify(previous));
  writeMeta(db, MetaKey.deviceId, deviceId);
  const newest = cachedStatement<[], { hlc: string | null }>(
    db,
    'SELECT max(hlc) AS hlc FROM op_log',
  ).get()?.hlc;
  const persisted = readMeta(db, MetaKey.hybridLogicalClock);
  // Fixed-width hex: string order is time order.
  if (newest != null && (persisted === undefined || newest > persisted)) {
    writeMeta(db, MetaKey.hybridLogicalClock, newest);
  }
  return {
    deviceId,
    marker: { device: deviceId, seq: 0 },
    newIncarnation: { previous: current.device, reason },
  };
}

/** This store's earlier device ids, oldest first. */
export function readPreviousDevices(db: SqliteDatabase): PreviousDevice[] {
  const text = readMeta(db, MetaKey.previousDeviceIds);
  return text === undefined ? [] : (JSON.parse(text) as PreviousDevice[]);
}

/** One line for the user, said once when the store is opened. */
export function describeNewIncarnation(incarnation: NewIncarnation, deviceId: string): string {
  const why = {
    'marker-missing': 'it was copied or moved here without its incarnation marker',
    'other-device': 'its incarnation marker belongs to another copy',
    'older-copy':
      'it is an older copy than the one this device last wrote (restored from a backup)',
  }[incarnation.reason];
  return (
    `the store was restored or copied (${why}); it continues as device ${deviceId} ` +
    `(was ${incarnation.previous}) so its new changes cannot clash with the other copy's`
  );
}

function incarnationReason(
  marker: IncarnationMarker | undefined,
  current: IncarnationMarker,
  kept: boolean,
): IncarnationReason | undefined {
  if (marker === undefined) return kept ? 'marker-missing' : undefined;
  if (marker.device !== current.device) return 'other-device';
  return marker.seq > current.seq ? 'older-copy' : undefined;
}

function localSeq(db: SqliteDatabase, device: string): number {
  return (
    cachedStatement<[string], { seq: number | null }>(
      db,
      'SELECT max(seq) AS seq FROM op_log WHERE device = ?',
    ).get(device)?.seq ?? 0
  );
}
