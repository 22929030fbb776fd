import type { Migration } from './migration.js';

/**
 * Conflicts, tombstones and tasks (docs/architecture/sync.md, "Conflicts" and "Tombstones";
 * docs/architecture/tasks.md):
 * - `op_log.base`: JSON list of the `(hlc, device)` of the ops a writer saw as current in the
 *   field it wrote; null for ops written before this migration and for fields never flagged;
 * - `field_versions.conflicted`: 1 when the field's current values were written concurrently;
 * - `memory.deleted` / `memory.conflicted`: the record is hidden by its `$deleted` tombstone / one
 *   of its fields is conflicted (both derived, both 0 for every record written before);
 * - `tasks`: one row per task record;
 * - an index of `field_history` by field, which the conflict state is computed from.
 * Rows derived from ops written before this migration need no rebuild: those ops have no base,
 * which flags nothing, and no `$deleted` field.
 */
export const conflictsTombstonesTasksSchema: Migration = {
  version: 3,
  name: 'conflicts-tombstones-tasks',
  up(db) {
    db.exec(`
      ALTER TABLE op_log ADD COLUMN base TEXT CHECK (base IS NULL OR json_valid(base));
      ALTER TABLE field_versions ADD COLUMN conflicted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE memory ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE memory ADD COLUMN conflicted INTEGER NOT NULL DEFAULT 0;
      -- The conflict state of a field is recomputed from all of its ops as each one merges.
      CREATE INDEX field_history_by_field ON field_history (kind, record, field);

      -- Columns are null until their field's first op arrives (ops may arrive in any order).
      -- provenance, labels and links hold JSON; state and epoch are the status field.
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        project TEXT,
        provenance TEXT,
        title TEXT,
        body TEXT,
        priority INTEGER,
        labels TEXT,
        links TEXT,
        state TEXT,
        epoch INTEGER,
        updated_at INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0,
        conflicted INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX tasks_by_project ON tasks (project, updated_at);
    `);
  },
};
