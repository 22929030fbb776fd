import { applyOp } from '../materialize.js';
import { opColumns, opFromRow, type OpRow } from '../stored-op.js';
import type { Migration } from './migration.js';

/**
 * Settings (docs/architecture/store.md, "Settings"): one row per `setting` record, derived from
 * its ops like the other tables.
 * - `id` is the record, `<scope>:<key>` (`user:editor.theme`), so a key may hold one value per
 *   scope; `scope` and `key` are generated from it;
 * - `value` is the winning value as JSON text, or null when the winner is an unset (the row is
 *   kept: an unset is a last-writer-wins write like any other);
 * - `deleted` and `conflicted` are what the generic record merge maintains; settings have no
 *   tombstone and no flagged field, so both stay 0.
 * A version before this one keeps `setting` ops it received (from a newer client) in the log
 * without applying them; they are applied here, in `(hlc, device, seq)` order, so the new table is
 * what a rebuild gives (`migration-0004.test.ts`).
 */
export const settingsSchema: Migration = {
  version: 4,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        id TEXT PRIMARY KEY,
        scope TEXT GENERATED ALWAYS AS (substr(id, 1, instr(id, ':') - 1)) VIRTUAL,
        key TEXT GENERATED ALWAYS AS (substr(id, instr(id, ':') + 1)) VIRTUAL,
        value TEXT CHECK (value IS NULL OR json_valid(value)),
        deleted INTEGER NOT NULL DEFAULT 0,
        conflicted INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
    const rows = db
      .prepare(`SELECT ${opColumns} FROM op_log WHERE kind = 'setting' ORDER BY hlc, device, seq`)
      .all() as OpRow[];
    for (const row of rows) applyOp(db, opFromRow(row));
  },
};
