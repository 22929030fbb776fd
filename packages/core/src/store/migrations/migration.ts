import type { SqliteDatabase } from '../database.js';

/** One numbered, forward-only schema change; it runs once, inside its own transaction. */
export interface Migration {
  /** 1, 2, 3…: no gaps, never reused, never edited once released. */
  version: number;
  name: string;
  up(db: SqliteDatabase): void;
}
