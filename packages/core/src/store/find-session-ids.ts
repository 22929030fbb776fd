import { cachedStatement, type SqliteDatabase } from './database.js';

/** A session's own fields have arrived (its events may come first). */
const sessionExists = 'created_at IS NOT NULL';

/**
 * Full ids of the sessions whose id is `idOrPrefix` or starts with it (at most two): what a
 * `session:` link of a memory record or a task is checked against.
 */
export function findSessionIds(db: SqliteDatabase, idOrPrefix: string): string[] {
  const exact = cachedStatement<[string], { id: string }>(
    db,
    `SELECT id FROM sessions WHERE id = ? AND ${sessionExists}`,
  ).get(idOrPrefix);
  if (exact !== undefined) return [exact.id];
  return cachedStatement<[string], { id: string }>(
    db,
    `SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' AND ${sessionExists} ORDER BY id LIMIT 2`,
  )
    .all(`${idOrPrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)
    .map((row) => row.id);
}
