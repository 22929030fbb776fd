import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { StoreError } from '../errors/store-error.js';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  path: string;
  /** A raw 256-bit key as 64 hexadecimal characters. */
  keyHex: string;
}

const keyPattern = /^[0-9a-fA-F]{64}$/;

/**
 * Opens (creating if needed) the encrypted SQLite file: SQLite3MultipleCiphers with ChaCha20
 * (sqleet-style ChaCha20-Poly1305, pages and WAL both encrypted), keyed before anything else, then
 * the pragmas of DESIGN §3.4. A wrong key, or a file that is not an encrypted database, fails with
 * a `StoreError` the user can act on.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  const { path, keyHex } = options;
  // Checked before it is spliced into the pragma, which takes no bound parameters.
  if (!keyPattern.test(keyHex)) {
    throw new StoreError(
      `cannot open the store at ${path}: the key must be 64 hexadecimal characters (256 bits)`,
    );
  }
  let db: SqliteDatabase;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    db = new Database(path);
  } catch (error) {
    throw new StoreError(`cannot open the store at ${path}: ${describe(error)}`, { cause: error });
  }
  try {
    db.pragma(`cipher = 'chacha20'`);
    db.pragma(`hexkey = '${keyHex.toLowerCase()}'`);
    db.pragma('busy_timeout = 5000');
    // The key is only checked when a page is read: read one now, so a wrong key fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const journalMode = db.pragma('journal_mode = WAL', { simple: true });
    if (journalMode !== 'wal') {
      throw new StoreError(`cannot open the store at ${path}: it cannot use write-ahead logging`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (error) {
    db.close();
    if (sqliteCode(error) === 'SQLITE_NOTADB') {
      throw new StoreError(
        `cannot open the store at ${path}: the key does not match or the file is not an Outpost database`,
        { cause: error },
      );
    }
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the store at ${path}: ${describe(error)}`, { cause: error });
  }
}

/**
 * Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two
 * processes sharing the file serialise their writes (waiting up to `busy_timeout`) instead of
 * failing on a stale snapshot, and whatever `work` reads is current. SQLite failures become
 * `StoreError`s; other errors pass through unchanged. Nested calls join the outer transaction.
 */
export function writeTransaction<T>(db: SqliteDatabase, work: () => T): T {
  const outermost = !db.inTransaction;
  let result: T;
  try {
    result = db.transaction(work).immediate();
  } catch (error) {
    if (!(error instanceof Database.SqliteError)) throw error;
    const reason =
      sqliteCode(error) === 'SQLITE_BUSY'
        ? 'another Outpost process held the store for more than 5 seconds; try again'
        : describe(error);
    throw new StoreError(`cannot write to the store at ${db.name}: ${reason}`, { cause: error });
  }
  if (outermost) commitListeners.get(db)?.();
  return result;
}

const commitListeners = new WeakMap<SqliteDatabase, () => void>();

/**
 * Calls `listener` after each outermost `writeTransaction` on this connection commits (one
 * listener per connection; a later call replaces it). It must not throw.
 */
export function onCommit(db: SqliteDatabase, listener: () => void): void {
  commitListeners.set(db, listener);
}

const statementCache = new WeakMap<SqliteDatabase, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection. */
export function cachedStatement<Parameters extends unknown[] = unknown[], Row = unknown>(
  db: SqliteDatabase,
  sql: string,
): Database.Statement<Parameters, Row> {
  let statements = statementCache.get(db);
  if (statements === undefined) {
    statements = new Map();
    statementCache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement as unknown as Database.Statement<Parameters, Row>;
}

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
