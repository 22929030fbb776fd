import { cachedStatement, type SqliteDatabase } from '../store/database.js';

/**
 * SQL shared by the task store and the link checks of memory records and tasks.
 */

/** Ops may arrive in any order, so a row can exist before all of its fields; such rows are hidden. */
export const TASK_IS_COMPLETE = `project IS NOT NULL AND provenance IS NOT NULL
  AND title IS NOT NULL AND body IS NOT NULL AND priority IS NOT NULL AND labels IS NOT NULL
  AND links IS NOT NULL AND state IS NOT NULL AND epoch IS NOT NULL AND updated_at IS NOT NULL`;

/** `%` and `_` match literally in a `LIKE … ESCAPE '\'` pattern. */
export const likePrefix = (prefix: string) =>
  `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/**
 * Full ids of the project's visible tasks whose id is `idOrPrefix` or starts with it (at most
 * two): what a `task:` link is checked against.
 */
export function findTaskIds(db: SqliteDatabase, projectRoot: string, idOrPrefix: string): string[] {
  const exact = cachedStatement<[string, string], { id: string }>(
    db,
    `SELECT id FROM tasks WHERE id = ? AND project = ? AND deleted = 0 AND ${TASK_IS_COMPLETE}`,
  ).get(idOrPrefix, projectRoot);
  if (exact !== undefined) return [exact.id];
  return cachedStatement<[string, string], { id: string }>(
    db,
    `SELECT id FROM tasks WHERE id LIKE ? ESCAPE '\\' AND project = ? AND deleted = 0
       AND ${TASK_IS_COMPLETE} ORDER BY id LIMIT 2`,
  )
    .all(likePrefix(idOrPrefix), projectRoot)
    .map((row) => row.id);
}
