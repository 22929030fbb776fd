import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../errors/store-error.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { migrate, migrations, schemaVersion, type Migration } from './migrations.js';
import { openStore } from './store.js';

interface MigrationRow {
  version: number;
  name: string;
  applied_at: number;
}

function migrationRows(db: SqliteDatabase): MigrationRow[] {
  return db.prepare('SELECT * FROM schema_migrations ORDER BY version').all() as MigrationRow[];
}

function withDatabase<T>(path: string, work: (db: SqliteDatabase) => T): T {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe('migrate', () => {
  let directory: TemporaryDirectory;
  let path: string;
  beforeEach(() => {
    directory = createTemporaryDirectory();
    path = join(directory.path, 'outpost.db');
  });
  afterEach(() => directory.remove());

  it('applies every migration once and records it', () => {
    const clock = createFakeClock(1_000);
    openStore({ path, keyHex: TEST_KEY, now: clock.now }).close();
    clock.set(2_000);
    openStore({ path, keyHex: TEST_KEY, now: clock.now }).close();
    withDatabase(path, (db) => {
      expect(migrationRows(db)).toEqual(
        migrations.map((migration) => ({
          version: migration.version,
          name: migration.name,
          applied_at: 1_000,
        })),
      );
      expect(migrate(db, { now: clock.now })).toEqual([]);
    });
  });

  it('runs only the migrations a file has not had', () => {
    const calls: number[] = [];
    const numbered = (version: number): Migration => ({
      version,
      name: `step-${version}`,
      up(db) {
        calls.push(version);
        db.exec(`CREATE TABLE step_${version} (x INTEGER)`);
      },
    });
    withDatabase(path, (db) => {
      expect(migrate(db, { now: () => 1, migrations: [numbered(1)] })).toEqual([1]);
      expect(migrate(db, { now: () => 2, migrations: [numbered(1)] })).toEqual([]);
      expect(migrate(db, { now: () => 3, migrations: [numbered(1), numbered(2)] })).toEqual([2]);
      expect(calls).toEqual([1, 2]);
      expect(migrationRows(db).map((row) => [row.version, row.applied_at])).toEqual([
        [1, 1],
        [2, 3],
      ]);
    });
  });

  it('rolls back a migration that fails, leaving the earlier ones in place', () => {
    const failing: Migration = {
      version: migrations.length + 1,
      name: 'fails-halfway',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk on fire');
      },
    };
    withDatabase(path, (db) => {
      expect(() => migrate(db, { now: () => 1, migrations: [...migrations, failing] })).toThrow(
        'disk on fire',
      );
      expect(schemaVersion(db)).toBe(migrations.length);
      expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").get()).toBe(
        undefined,
      );
    });
  });

  it('refuses a file written by a newer Outpost, and leaves it untouched', () => {
    const store = openStore({ path, keyHex: TEST_KEY });
    store.sessions.create({ title: 't', projectRoot: '/p', provider: 'ollama', model: 'm' });
    store.close();
    withDatabase(path, (db) => {
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(99, 'from-the-future', 5);
    });
    const hash = createHash('sha256').update(readFileSync(path)).digest('hex');

    expect(() => openStore({ path, keyHex: TEST_KEY })).toThrow(
      new StoreError(
        `the store at ${path} was written by a newer version of Outpost (schema version 99; ` +
          `this version knows up to ${migrations.length}). Upgrade Outpost to open it; ` +
          'the file was left unchanged.',
      ),
    );
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(hash);
    withDatabase(path, (db) => {
      expect(migrationRows(db).map((row) => row.version)).toEqual([
        ...migrations.map((migration) => migration.version),
        99,
      ]);
    });
  });

  it('refuses an encrypted database that Outpost did not create', () => {
    withDatabase(path, (db) => db.exec('CREATE TABLE someone_elses (x INTEGER)'));
    expect(() => openStore({ path, keyHex: TEST_KEY })).toThrow(
      /the file is a database, but not an Outpost database/,
    );
  });

  it('rejects a migration list with gaps', () => {
    withDatabase(path, (db) => {
      const version = migrations.length + 2;
      const broken: Migration = { version, name: 'skips-one', up() {} };
      expect(() => migrate(db, { now: () => 1, migrations: [...migrations, broken] })).toThrow(
        `has version ${version}, expected ${version - 1}`,
      );
      expect(schemaVersion(db)).toBe(0);
    });
  });
});
