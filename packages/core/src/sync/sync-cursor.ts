import { z } from 'zod';
import { SyncFileError } from './sync-file-error.js';

/** A device id as it may appear in a sync file and a cursor (UUIDv7 in practice). */
export const SyncDeviceId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'expected a device id of letters, digits, ".", "_" or "-"',
  );
export type SyncDeviceId = z.infer<typeof SyncDeviceId>;

/**
 * What a store holds, as the greatest `seq` it has of each device. An export `--since` a cursor
 * leaves out every op with `seq <= cursor[device]`: the holder of the cursor has those already.
 * A device missing from the cursor means none of its ops.
 */
export const SyncCursor = z.record(SyncDeviceId, z.number().int().nonnegative());
export type SyncCursor = z.infer<typeof SyncCursor>;

const EMPTY = 'empty';

/** `device=seq,device=seq`, devices in order; `empty` for a store with no ops. */
export function formatSyncCursor(cursor: SyncCursor): string {
  const entries = Object.entries(cursor).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return EMPTY;
  return entries.map(([device, seq]) => `${device}=${seq}`).join(',');
}

/** Reads a cursor printed by `formatSyncCursor`; throws `SyncFileError` naming the bad part. */
export function parseSyncCursor(text: string): SyncCursor {
  const trimmed = text.trim();
  if (trimmed === EMPTY) return {};
  const cursor: SyncCursor = {};
  for (const part of trimmed.split(',')) {
    const match = /^([^=]+)=(\d{1,15})$/.exec(part.trim());
    const device = match?.[1];
    const seq = match?.[2];
    if (device === undefined || seq === undefined || !SyncDeviceId.safeParse(device).success) {
      throw new SyncFileError(
        `"${part}" is not part of a sync cursor: expected DEVICE=SEQ pairs separated by commas, ` +
          'as outpost sync export and import print them',
      );
    }
    if (Object.hasOwn(cursor, device)) {
      throw new SyncFileError(`the sync cursor names device ${device} twice`);
    }
    cursor[device] = Number(seq);
  }
  return cursor;
}

/** Whether the holder of `cursor` has the op `(device, seq)`. */
export function cursorCovers(cursor: SyncCursor, device: string, seq: number): boolean {
  return seq <= (cursor[device] ?? 0);
}
