import type { Migration } from './migration.js';

/**
 * The first schema (reference/sync-notes.md §4.4). `op_log` is the source of truth; every other
 * table except `meta` is derived from it and rebuilt by replaying it (`rebuild.ts`).
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      -- Local facts about this install: device id, user id, clock state. Never synced.
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE op_log (
        device TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq > 0),
        hlc TEXT NOT NULL,
        space TEXT NOT NULL,
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL CHECK (json_valid(value)),
        PRIMARY KEY (device, seq)
      ) STRICT;
      CREATE INDEX op_log_by_hlc ON op_log (hlc, device, seq);

      -- The op that currently wins each last-writer-wins field.
      CREATE TABLE field_versions (
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        field TEXT NOT NULL,
        hlc TEXT NOT NULL,
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (kind, record, field)
      ) STRICT, WITHOUT ROWID;

      -- Every op that lost its field: nothing is lost, it is only not the current value.
      CREATE TABLE field_history (
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        hlc TEXT NOT NULL,
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (device, seq)
      ) STRICT;

      -- Columns are null until their field's first op arrives (ops may arrive in any order).
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        title TEXT,
        project_root TEXT,
        provider TEXT,
        model TEXT,
        status TEXT,
        created_at INTEGER,
        updated_at INTEGER
      ) STRICT;

      CREATE TABLE session_events (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        hlc TEXT NOT NULL,
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        time INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX session_events_in_order ON session_events (session_id, hlc, device, seq);
    `);
  },
};
