import { StoreError } from '../errors/store-error.js';
import { cachedStatement, writeTransaction, type SqliteDatabase } from './database.js';
import { initialSchema } from './migrations/0001-initial.js';
import { memorySchema } from './migrations/0002-memory.js';
import { conflictsTombstonesTasksSchema } from './migrations/0003-conflicts-tombstones-tasks.js';
import { settingsSchema } from './migrations/0004-settings.js';
import type { Migration } from './migrations/migration.js';

export type { Migration } from './migrations/migration.js';

/** Written to the file header so a foreign SQLite file is never mistaken for a store ('OUTP'). */
export const OUTPOST_APPLICATION_ID = 0x4f555450;

/** Every migration this version of Outpost knows, in order. Append only. */
export const migrations: readonly Migration[] = [
  initialSchema,
  memorySchema,
  conflictsTombstonesTasksSchema,
  settingsSchema,
];

export interface MigrateOptions {
  now: () => number;
  /** Defaults to `migrations`; tests pass their own list. */
  migrations?: readonly Migration[];
}

/**
 * Brings the schema up to date: each pending migration runs in its own `BEGIN IMMEDIATE`
 * transaction and is recorded in `schema_migrations`, so a crash leaves the file at a known
 * version and two processes starting at once apply each migration once. A file written by a
 * newer Outpost is refused before anything is written to it. Returns the versions applied.
 */
export function migrate(db: SqliteDatabase, options: MigrateOptions): number[] {
  const known = options.migrations ?? migrations;
  checkOrder(known);
  const latest = known.at(-1)?.version ?? 0;
  checkIsOutpostDatabase(db);
  const start = checkNotNewer(db, latest);

  const applied: number[] = [];
  for (const migration of known.filter((candidate) => candidate.version > start)) {
    writeTransaction(db, () => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      ) STRICT`);
      db.pragma(`application_id = ${OUTPOST_APPLICATION_ID}`);
      // Another process may have migrated since the check above.
      const current = checkNotNewer(db, latest);
      if (migration.version <= current) return;
      migration.up(db);
      cachedStatement<[number, string, number]>(
        db,
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
      ).run(migration.version, migration.name, options.now());
      applied.push(migration.version);
    });
  }
  return applied;
}

/** The highest applied migration, 0 for a new file. Only reads. */
export function schemaVersion(db: SqliteDatabase): number {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (hasTable === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function checkNotNewer(db: SqliteDatabase, latest: number): number {
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StoreError(
      `the store at ${db.name} was written by a newer version of Outpost (schema version ` +
        `${current}; this version knows up to ${latest}). Upgrade Outpost to open it; ` +
        'the file was left unchanged.',
    );
  }
  return current;
}

/** An empty file becomes a store; a file with other tables and no Outpost stamp is refused. */
function checkIsOutpostDatabase(db: SqliteDatabase): void {
  const applicationId = db.pragma('application_id', { simple: true });
  if (applicationId === OUTPOST_APPLICATION_ID) return;
  const objects = db.prepare('SELECT count(*) AS count FROM sqlite_master').get() as {
    count: number;
  };
  if (objects.count > 0) {
    throw new StoreError(
      `cannot open the store at ${db.name}: the file is a database, but not an Outpost database`,
    );
  }
}

function checkOrder(known: readonly Migration[]): void {
  known.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration '${migration.name}' has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
