import type { Migration } from './migration.js';

/**
 * Project memory (docs/architecture/memory.md): one row per `memory` record, derived from the op
 * log like `sessions`, and rebuilt by replaying it.
 */
export const memorySchema: Migration = {
  version: 2,
  name: 'memory',
  up(db) {
    db.exec(`
      -- Columns are null until their field's first op arrives (ops may arrive in any order).
      -- provenance, tags, paths and links hold JSON.
      CREATE TABLE memory (
        id TEXT PRIMARY KEY,
        project TEXT,
        provenance TEXT,
        title TEXT,
        body TEXT,
        kind TEXT,
        tags TEXT,
        paths TEXT,
        links TEXT,
        status TEXT,
        updated_at INTEGER
      ) STRICT;
      CREATE INDEX memory_by_project ON memory (project, updated_at);
    `);
  },
};
