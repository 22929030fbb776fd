import type { SpaceId } from '@outpost/protocol';
import { uuidv7, type IdGenerator } from '../ids/ids.js';
import { createMemoryStore } from '../memory/memory-store.js';
import type { MemoryStore } from '../memory/memory-types.js';
import { createSettingStore, type SettingStore } from '../settings/setting-store.js';
import { createTaskStore } from '../task/task-store.js';
import type { TaskStore } from '../task/task-types.js';
import { exportOps, type ExportOpsOptions, type SyncExport } from '../sync/sync-export.js';
import { importOps, type SyncImportSummary } from '../sync/sync-import.js';
import { onCommit, openDatabase, writeTransaction } from './database.js';
import { createHybridLogicalClock, DEFAULT_MAX_SKEW_MS } from './hybrid-logical-clock.js';
import {
  incarnationMarkerPath,
  readIncarnationMarker,
  readLocalMarker,
  sameMarker,
  settleIncarnation,
  writeIncarnationMarker,
  type NewIncarnation,
} from './incarnation.js';
import { MetaKey, readOrInitializeMeta } from './meta.js';
import { migrate } from './migrations.js';
import { readOps } from './op-log.js';
import { readMaterializedState, rebuildFromOpLog, type MaterializedState } from './rebuild.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import type { StoredOp } from './stored-op.js';

export interface StoreOptions {
  path: string;
  /** The database key: 64 hexadecimal characters (see `loadOrCreateStoreKey`). */
  keyHex: string;
  /** Wall clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** Ids of new sessions, events, memory records and tasks; default UUIDv7. */
  generateId?: IdGenerator;
  /** How far ahead of this clock an imported timestamp may be; default 5 minutes. */
  maxClockSkewMs?: number;
}

/** Sneakernet sync (docs/architecture/sync.md): the op log to and from a file. */
export interface StoreSync {
  /** The ops that may leave this device (newer than `since`), as a sync file's text. */
  export(options?: ExportOpsOptions): SyncExport;
  /** Checks a sync file whole, then merges the ops this store lacks; all or nothing. */
  import(text: string): SyncImportSummary;
}

/** Which project's memory or tasks, and how to check their commit links. */
export interface ProjectMemoryOptions {
  /** The project's absolute root, as sessions record it (`resolveProjectRoot` in the CLI). */
  projectRoot: string;
  /** Whether `sha` names a commit of the project; without it, commit links are refused. */
  commitExists?: (sha: string) => boolean;
}

/** The local store: one encrypted SQLite file per user, with the op log as source of truth. */
export interface Store {
  readonly path: string;
  /** This install's device (incarnation) id: the `device` of every local op. */
  readonly deviceId: string;
  /**
   * Set when this open started a new incarnation: the file was restored from a backup or copied
   * (`incarnation.ts`). Tell the user once (`describeNewIncarnation`).
   */
  readonly newIncarnation: NewIncarnation | undefined;
  /** `user:<local user id>`: the space of the user's sessions and events. */
  readonly userSpace: SpaceId;
  readonly sessions: SessionStore;
  /** The memory of one project (docs/architecture/memory.md); cheap, call it per use. */
  memory(options: ProjectMemoryOptions): MemoryStore;
  /** The tasks of one project (docs/architecture/tasks.md); cheap, call it per use. */
  tasks(options: ProjectMemoryOptions): TaskStore;
  /** Key/value settings, per user or per device (docs/architecture/store.md, "Settings"). */
  readonly settings: SettingStore;
  readonly sync: StoreSync;
  /** Every op in the log, in `(hlc, device, seq)` order. */
  ops(): StoredOp[];
  /** Rebuilds every derived table by replaying the op log. */
  rebuild(): void;
  readMaterializedState(): MaterializedState;
  /** `ok`, or SQLite's list of problems (`PRAGMA integrity_check` and foreign-key violations). */
  integrityCheck(): string;
  close(): void;
}

/**
 * Opens the store, creating and migrating it as needed. On first open it records a new device id
 * and local user id; a file restored from a backup or copied gets a new device id (a new
 * incarnation), and the marker beside it is kept current after every write. Throws `StoreError`
 * for a wrong key, a foreign file, or a file written by a newer Outpost.
 */
export function openStore(options: StoreOptions): Store {
  const now = options.now ?? Date.now;
  const generateId = options.generateId ?? (() => uuidv7(now));
  const db = openDatabase({ path: options.path, keyHex: options.keyHex });
  const markerPath = incarnationMarkerPath(options.path);
  let identity: { deviceId: string; userId: string; newIncarnation: NewIncarnation | undefined };
  try {
    migrate(db, { now });
    const settled = writeTransaction(db, () => {
      // Read under the write lock: another process's marker is then no newer than its commits.
      const marker = readIncarnationMarker(markerPath);
      return {
        ...settleIncarnation(db, { marker, newDeviceId: () => uuidv7(now), now }),
        userId: readOrInitializeMeta(db, MetaKey.userId, () => uuidv7(now)),
        found: marker,
      };
    });
    if (!sameMarker(settled.found, settled.marker)) {
      writeIncarnationMarker(markerPath, settled.marker);
    }
    identity = settled;
    let written = settled.marker;
    onCommit(db, () => {
      const marker = readLocalMarker(db);
      if (marker === undefined || sameMarker(marker, written)) return;
      try {
        writeIncarnationMarker(markerPath, marker);
        written = marker;
      } catch {
        // Ignored: the write itself committed. A stale marker is only a lower bound, so a restore
        // within this gap goes unnoticed, and the next successful write catches up.
      }
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const clock = createHybridLogicalClock({ now, maxSkewMs });
  const userSpace: SpaceId = `user:${identity.userId}`;

  return {
    path: options.path,
    deviceId: identity.deviceId,
    newIncarnation: identity.newIncarnation,
    userSpace,
    sessions: createSessionStore({ db, clock, now, generateId, space: userSpace }),
    memory: (memoryOptions) =>
      createMemoryStore({
        db,
        clock,
        now,
        generateId,
        space: userSpace,
        userId: identity.userId,
        deviceId: identity.deviceId,
        ...memoryOptions,
      }),
    tasks: (taskOptions) =>
      createTaskStore({
        db,
        clock,
        now,
        generateId,
        space: userSpace,
        userId: identity.userId,
        deviceId: identity.deviceId,
        ...taskOptions,
      }),
    settings: createSettingStore({
      db,
      clock,
      userSpace,
      deviceId: identity.deviceId,
    }),
    sync: {
      export: (exportOptions) =>
        exportOps(db, { ...exportOptions, device: identity.deviceId, now }),
      import: (text) => importOps(db, text, { device: identity.deviceId, clock, now, maxSkewMs }),
    },
    ops: () => readOps(db),
    rebuild: () => rebuildFromOpLog(db),
    readMaterializedState: () => readMaterializedState(db),
    integrityCheck() {
      const problems = (db.pragma('integrity_check') as { integrity_check: string }[])
        .map((row) => row.integrity_check)
        .filter((line) => line !== 'ok');
      const foreignKeys = db.pragma('foreign_key_check') as { table: string; rowid: number }[];
      problems.push(
        ...foreignKeys.map((row) => `foreign key violation in ${row.table} row ${row.rowid}`),
      );
      return problems.length === 0 ? 'ok' : problems.join('\n');
    },
    close() {
      if (db.open) db.close();
    },
  };
}
