import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../errors/store-error.js';
import {
  createTemporaryDirectory,
  OTHER_KEY,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { openDatabase } from './database.js';
import { openStore } from './store.js';

const mismatch = (path: string) =>
  `cannot open the store at ${path}: the key does not match or the file is not an Outpost database`;

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('encryption at rest', () => {
  let directory: TemporaryDirectory;
  let path: string;
  beforeEach(() => {
    directory = createTemporaryDirectory();
    path = join(directory.path, 'outpost.db');
  });
  afterEach(() => directory.remove());

  it('keeps event and session text out of the database and WAL file bytes', () => {
    const canary = 'CANARY-7f3a9c1e-the-secret-prompt';
    const store = openStore({ path, keyHex: TEST_KEY });
    const session = store.sessions.create({
      title: `${canary}-title`,
      projectRoot: '/home/dev/project',
      provider: 'ollama',
      model: 'qwen3-coder',
    });
    store.sessions.appendEvent(session.id, { type: 'user-message', text: canary });
    expect(store.sessions.events(session.id)[0]?.data).toEqual({
      type: 'user-message',
      text: canary,
    });

    // While the store is open, recent pages sit in the WAL file.
    const wal = readFileSync(`${path}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    for (const bytes of [wal, readFileSync(path)]) {
      expect(bytes.includes(canary)).toBe(false);
      expect(bytes.includes(Buffer.from(canary, 'utf16le'))).toBe(false);
      expect(bytes.includes('SQLite format 3')).toBe(false);
    }

    store.close();
    expect(readFileSync(path).includes(canary)).toBe(false);
    const reopened = openStore({ path, keyHex: TEST_KEY });
    expect(reopened.sessions.get(session.id)?.title).toBe(`${canary}-title`);
    reopened.close();
  });

  it('refuses the wrong key with a clear StoreError and leaves the file unchanged', () => {
    openStore({ path, keyHex: TEST_KEY }).close();
    const before = fileHash(path);
    expect(() => openStore({ path, keyHex: OTHER_KEY })).toThrow(new StoreError(mismatch(path)));
    expect(() => openDatabase({ path, keyHex: OTHER_KEY })).toThrow(StoreError);
    expect(fileHash(path)).toBe(before);
    // And the right key still works.
    openStore({ path, keyHex: TEST_KEY }).close();
  });

  it('refuses a file that is not a database', () => {
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    expect(() => openStore({ path, keyHex: TEST_KEY })).toThrow(new StoreError(mismatch(path)));
  });

  it('refuses an unencrypted SQLite database', () => {
    const plain = new Database(path);
    plain.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello')");
    plain.close();
    expect(() => openStore({ path, keyHex: TEST_KEY })).toThrow(new StoreError(mismatch(path)));
  });

  it('refuses a key that is not 64 hex characters, before touching the file', () => {
    for (const keyHex of ['', 'abc', `${TEST_KEY}00`, `${TEST_KEY.slice(0, 63)}g`, "x' ; --"]) {
      expect(() => openDatabase({ path, keyHex }), keyHex).toThrow(
        /the key must be 64 hexadecimal characters/,
      );
    }
    expect(existsSync(path)).toBe(false);
  });

  it('wraps a path that cannot be opened in a StoreError', () => {
    mkdirSync(path);
    expect(() => openDatabase({ path, keyHex: TEST_KEY })).toThrow(
      new RegExp(`^cannot open the store at ${path}: `),
    );
  });

  it('creates a private parent directory and sets the pragmas', () => {
    const nested = join(directory.path, 'data', 'outpost', 'outpost.db');
    const db = openDatabase({ path: nested, keyHex: TEST_KEY });
    try {
      expect(statSync(join(directory.path, 'data', 'outpost')).mode & 0o777).toBe(0o700);
      const pragma = (name: string) => db.pragma(name, { simple: true });
      expect(pragma('cipher')).toBe('chacha20');
      expect(pragma('journal_mode')).toBe('wal');
      expect(pragma('synchronous')).toBe(2); // FULL
      expect(pragma('foreign_keys')).toBe(1);
      expect(pragma('temp_store')).toBe(2); // MEMORY
      expect(pragma('busy_timeout')).toBe(5000);
    } finally {
      db.close();
    }
  });
});
