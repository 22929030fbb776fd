import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { StoreError } from '../../errors/store-error.js';

export type IndexDatabase = Database.Database;

/** Bumped whenever the tables or what goes into them change; a mismatch rebuilds the index. */
export const INDEX_SCHEMA_VERSION = 2;

/**
 * The index tables. `files` holds one row per file seen, including files skipped as binary, too
 * large or unreadable (`skip_reason`), so an unchanged skipped file is not read again.
 * `symbol_references` holds one row per file and name, with the lines of its uses (`3,17,40`).
 * `chunks_fts` is contentless (the text lives in `chunks`), with `contentless_delete` so a file's
 * rows can be deleted by rowid.
 */
const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE files (
    path TEXT PRIMARY KEY,
    hash TEXT,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    language TEXT,
    indexed_at INTEGER NOT NULL,
    skip_reason TEXT,
    skip_detail TEXT
  ) WITHOUT ROWID;
  CREATE TABLE definitions (
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    container TEXT
  );
  CREATE INDEX definitions_by_path ON definitions (path);
  CREATE INDEX definitions_by_name ON definitions (name COLLATE NOCASE);
  CREATE TABLE symbol_references (
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    lines TEXT NOT NULL,
    PRIMARY KEY (path, name)
  ) WITHOUT ROWID;
  CREATE INDEX symbol_references_by_name ON symbol_references (name);
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    text TEXT NOT NULL,
    symbols TEXT NOT NULL
  );
  CREATE INDEX chunks_by_path ON chunks (path);
  CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    path_words, symbol_words, text_words,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
  );
`;

/**
 * Opens (creating if needed) a project's index file. The index is derived from the files on disk
 * and never synced, so it is deliberately NOT encrypted (unlike the store, DESIGN §3.4), and it is
 * written with `synchronous = NORMAL`: a crash loses at most the last batches, which the next
 * build redoes. A file from another schema version is emptied and rebuilt; a file that is not a
 * database at all (or is corrupt) is deleted and created again.
 */
export function openIndexDatabase(path: string): IndexDatabase {
  try {
    return openOnce(path);
  } catch (error) {
    if (!isUnusableFile(error)) {
      throw new StoreError(`cannot open the code index at ${path}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  // Derived data: throwing an unusable file away loses nothing the next build cannot redo.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  try {
    return openOnce(path);
  } catch (error) {
    throw new StoreError(`cannot open the code index at ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
}

function openOnce(path: string): IndexDatabase {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    ensureSchema(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function ensureSchema(db: IndexDatabase): void {
  db.transaction(() => {
    const hasMeta = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`)
      .get();
    if (hasMeta !== undefined && readMeta(db, 'schema_version') === String(INDEX_SCHEMA_VERSION)) {
      return;
    }
    dropEverything(db);
    db.exec(SCHEMA);
    writeMeta(db, 'schema_version', String(INDEX_SCHEMA_VERSION));
  }).immediate();
}

/** Drops every table (an FTS5 table takes its shadow tables with it). */
function dropEverything(db: IndexDatabase): void {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  const virtual = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'`)
    .pluck()
    .all() as string[];
  for (const name of virtual) db.exec(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`);
  for (const name of tables) db.exec(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`);
}

/** A value from the `meta` table. */
export function readMeta(db: IndexDatabase, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
  return typeof row === 'string' ? row : undefined;
}

/** Sets a value in the `meta` table. */
export function writeMeta(db: IndexDatabase, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

function isUnusableFile(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_NOTADB' || error.code === 'SQLITE_CORRUPT')
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
