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

// Migration 0003 adds bases, tombstones, conflict flags and tasks. A store written before it holds
// ops without a base and tables derived from them; it must open as it is, consistent with a
// rebuild, nothing flagged or hidden.

let directory: TemporaryDirectory;
beforeEach(() => {
  directory = createTemporaryDirectory();
});
afterEach(() => directory.remove());

/** The rows Outpost wrote for one memory record and one edit of its title, before 0003. */
function writeVersion2Store(path: string, userSpace: string) {
  const db = openDatabase({ path, keyHex: TEST_KEY });
  try {
    migrate(db, { now: () => 0, migrations: migrations.slice(0, 2) });
    const fields: [string, unknown][] = [
      ['project', '/repo'],
      ['provenance', { user: 'u', device: 'old', createdAt: 1 }],
      ['title', 'Use pnpm'],
      ['body', 'The lock file.'],
      ['kind', 'convention'],
      ['tags', []],
      ['paths', []],
      ['links', []],
      ['status', 'accepted'],
      ['updatedAt', 1],
      ['title', 'Use pnpm 9'],
      ['updatedAt', 2],
    ];
    const insertOp = db.prepare(
      `INSERT INTO op_log (device, seq, hlc, space, kind, record, field, value)
       VALUES ('old', ?, ?, ?, 'memory', 'r1', ?, ?)`,
    );
    const winner = db.prepare(
      `INSERT INTO field_versions VALUES ('memory', 'r1', ?, ?, 'old', ?)
       ON CONFLICT DO UPDATE SET hlc = excluded.hlc, seq = excluded.seq`,
    );
    fields.forEach(([field, value], index) => {
      const hlc = `019400000000-${index.toString(16).padStart(4, '0')}`;
      insertOp.run(index + 1, hlc, userSpace, field, JSON.stringify(value));
      winner.run(field, hlc, index + 1);
    });
    db.exec(`
      INSERT INTO field_history SELECT kind, record, field, value, hlc, device, seq
        FROM op_log WHERE seq IN (3, 10);
      INSERT INTO memory VALUES ('r1', '/repo', '{"user":"u","device":"old","createdAt":1}',
        'Use pnpm 9', 'The lock file.', 'convention', '[]', '[]', '[]', 'accepted', 2);
    `);
  } finally {
    db.close();
  }
}

describe('migration 0003', () => {
  it('opens a store written before it consistently: nothing flagged, nothing hidden', () => {
    const path = join(directory.path, 'outpost.db');
    writeVersion2Store(path, 'user:u');
    const store = openStore({ path, keyHex: TEST_KEY, now: createFakeClock().now });
    try {
      expect(store.memory({ projectRoot: '/repo' }).get('r1')).toMatchObject({
        title: 'Use pnpm 9',
        conflicted: false,
        deleted: false,
      });
      expect(store.ops().every((op) => op.base === undefined)).toBe(true);
      const live = store.readMaterializedState();
      store.rebuild();
      expect(store.readMaterializedState()).toEqual(live);
      // A new edit writes a base that names the old winner, and flags nothing.
      const edited = store.memory({ projectRoot: '/repo' }).update('r1', { title: 'Use pnpm 10' });
      expect(edited.conflicted).toBe(false);
      expect(
        store.ops().find((op) => op.field === 'title' && op.value === 'Use pnpm 10')?.base,
      ).toEqual([{ hlc: '019400000000-000a', device: 'old' }]);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  });
});
