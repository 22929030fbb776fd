import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from './__fixtures__/store-fixtures.js';
import { openDatabase } from './database.js';
import { migrate, migrations } from './migrations.js';
import { openStore } from './store.js';

// Migration 0004 adds settings. A store written before it may already hold `setting` ops, received
// from a newer client and kept unapplied; it must open with them applied, as a rebuild would.

let directory: TemporaryDirectory;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

function writeVersion3StoreWithSettingOps(path: string) {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  try {
    migrate(db, { now: () => 0, migrations: migrations.slice(0, 3) });
    const insertOp = db.prepare(
      `INSERT INTO op_log (device, seq, hlc, space, kind, record, field, value)
       VALUES ('newer', ?, ?, 'user:u', 'setting', ?, 'value', ?)`,
    );
    insertOp.run(2, '019400000000-0002', 'user:editor.theme', '"dark"');
    insertOp.run(1, '019400000000-0001', 'user:editor.theme', '"light"');
    insertOp.run(3, '019400000000-0003', 'user:editor.font', 'null');
  } finally {
    db.close();
  }
}

describe('migration 0004', () => {
  it('applies the setting ops a store kept before it knew the kind', () => {
    const path = join(directory.path, 'outpost.db');
    writeVersion3StoreWithSettingOps(path);
    const store = openStore({ path, keyHex: TEST_KEY, now: createFakeClock().now });
    try {
      expect(store.settings.list()).toEqual([
        { key: 'editor.theme', scope: 'user', value: 'dark' },
      ]);
      const live = store.readMaterializedState();
      expect(live.field_history).toMatchObject([{ record: 'user:editor.theme', value: '"light"' }]);
      store.rebuild();
      expect(store.readMaterializedState()).toEqual(live);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  });
});
