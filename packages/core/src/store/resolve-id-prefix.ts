import { NotFoundError } from '../errors/not-found-error.js';
import { AmbiguousIdError } from './ambiguous-id-error.js';
import { cachedStatement, type SqliteDatabase } from './database.js';

/** A prefix shorter than this is too likely to match by accident. */
export const MINIMUM_ID_PREFIX = 4;
/** At most this many candidates are listed when a prefix is ambiguous. */
const SHOWN_CANDIDATES = 10;

/**
 * A full id, or the one id a prefix (at least {@link MINIMUM_ID_PREFIX} characters) starts:
 * the shared rule of `sessions show 01a2`, `memory accept 01a2`. `matching` returns up to `limit`
 * records whose id is LIKE `pattern` (escaped with `\`), in id order.
 */
export function resolveIdPrefix(options: {
  idOrPrefix: string;
  /** What the ids name, plural: `sessions`, `memory records`. */
  plural: string;
  /** What the ids name, singular: `session`, `memory record`. */
  singular: string;
  /** Added to "no session matches …", e.g. `in /src/app`. */
  where?: string;
  exists: (id: string) => boolean;
  matching: (pattern: string, limit: number) => readonly { id: string; title: string }[];
}): string {
  const query = options.idOrPrefix.trim();
  if (options.exists(query)) return query;
  if (query.length < MINIMUM_ID_PREFIX) {
    throw new NotFoundError(
      `no ${options.singular} matches '${query}' (give the full id or at least ${MINIMUM_ID_PREFIX} characters)`,
    );
  }
  const pattern = `${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const candidates = options.matching(pattern, SHOWN_CANDIDATES + 1);
  const [first, ...others] = candidates;
  if (first === undefined) {
    const where = options.where === undefined ? '' : ` ${options.where}`;
    throw new NotFoundError(`no ${options.singular}${where} matches '${query}'`);
  }
  if (others.length === 0) return first.id;
  throw new AmbiguousIdError({
    prefix: query,
    plural: options.plural,
    candidates: candidates.slice(0, SHOWN_CANDIDATES),
    more: candidates.length > SHOWN_CANDIDATES,
  });
}

/**
 * {@link resolveIdPrefix} for the records of one project in a table with `id`, `title` and
 * `project` columns (memory records, tasks); `condition` is the SQL that says which rows count.
 */
export function resolveProjectRecordId(
  db: SqliteDatabase,
  options: {
    table: 'memory' | 'tasks';
    condition: string;
    projectRoot: string;
    idOrPrefix: string;
    plural: string;
    singular: string;
    exists: (id: string) => boolean;
  },
): string {
  const { table, condition, projectRoot } = options;
  return resolveIdPrefix({
    idOrPrefix: options.idOrPrefix,
    plural: options.plural,
    singular: options.singular,
    where: `in ${projectRoot}`,
    exists: options.exists,
    matching: (pattern, limit) =>
      cachedStatement<[string, string], { id: string; title: string }>(
        db,
        `SELECT id, title FROM ${table} WHERE id LIKE ? ESCAPE '\\' AND project = ?
           AND ${condition} ORDER BY id LIMIT ${limit}`,
      ).all(pattern, projectRoot),
  });
}
