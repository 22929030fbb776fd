import { isAbsolute } from 'node:path';
import type { SpaceId } from '@outpost/protocol';
import { MemoryError } from '../errors/memory-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { StoreError } from '../errors/store-error.js';
import type { IdGenerator } from '../ids/ids.js';
import { cachedStatement, writeTransaction, type SqliteDatabase } from '../store/database.js';
import { readFieldConflicts } from '../store/field-conflicts.js';
import { findSessionIds } from '../store/find-session-ids.js';
import type { HybridLogicalClock } from '../store/hybrid-logical-clock.js';
import { appendOps } from '../store/op-log.js';
import { recordKinds } from '../store/record-kinds.js';
import { pickDrafts, recordFieldDrafts, tombstoneDraft } from '../store/record-writes.js';
import { resolveProjectRecordId } from '../store/resolve-id-prefix.js';
import { findTaskIds } from '../task/task-queries.js';
import type { MemoryFieldName, MemoryFields } from './memory-fields.js';
import { rankMemory } from './memory-recall.js';
import type {
  MemoryKind,
  MemoryLink,
  MemoryProvenance,
  MemoryRecord,
  MemoryStatus,
  MemoryStore,
} from './memory-types.js';
import {
  MemoryStatusInput,
  describeIssues,
  validateDraft,
  validatePatch,
  type LinkTargets,
  type ValidMemoryDraft,
} from './memory-validation.js';

export interface MemoryStoreOptions {
  db: SqliteDatabase;
  clock: HybridLogicalClock;
  now: () => number;
  generateId: IdGenerator;
  /** The space new records are written to, e.g. `user:<id>`. */
  space: SpaceId;
  /** Provenance of every record this store creates. */
  userId: string;
  deviceId: string;
  /** The project the records belong to: its absolute root, as sessions record it. */
  projectRoot: string;
  /** Whether `sha` names a commit of the project (the CLI asks git); without it commit links are refused. */
  commitExists?: (sha: string) => boolean;
}

interface MemoryRow {
  id: string;
  project: string;
  provenance: string;
  title: string;
  body: string;
  kind: string;
  tags: string;
  paths: string;
  links: string;
  status: string;
  updated_at: number;
  deleted: number;
  conflicted: number;
}

/** Ops may arrive in any order, so a row can exist before all of its fields; such rows are hidden. */
const isComplete = `project IS NOT NULL AND provenance IS NOT NULL AND title IS NOT NULL
  AND body IS NOT NULL AND kind IS NOT NULL AND tags IS NOT NULL AND paths IS NOT NULL
  AND links IS NOT NULL AND status IS NOT NULL AND updated_at IS NOT NULL`;
/** Not hidden by its `$deleted` tombstone. */
const isVisible = `${isComplete} AND deleted = 0`;
const spec = recordKinds.memory;

const defaultRecallLimit = 10;
/** The order fields are written in when a record is created. */
const creationOrder: readonly Exclude<MemoryFieldName, '$deleted'>[] = [
  'project',
  'provenance',
  'title',
  'body',
  'kind',
  'tags',
  'paths',
  'links',
  'status',
  'updatedAt',
];

/**
 * The memory of one project, kept in the store's op log: every write is validated first (nothing
 * is written when anything is wrong) and becomes one last-writer-wins op per field.
 */
export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const { db, clock, now, generateId, space, projectRoot } = options;
  if (!isAbsolute(projectRoot)) {
    throw new StoreError(
      `the project root of a memory store must be absolute, not '${projectRoot}'`,
    );
  }

  const targets: LinkTargets = {
    findSessions: (idOrPrefix) => findSessionIds(db, idOrPrefix),
    findTasks: (idOrPrefix) => findTaskIds(db, projectRoot, idOrPrefix),
    commitExists: options.commitExists,
  };

  const get: MemoryStore['get'] = (id, getOptions = {}) => {
    const row = cachedStatement<[string, string], MemoryRow>(
      db,
      `SELECT * FROM memory WHERE id = ? AND project = ? AND ${isComplete}`,
    ).get(id, projectRoot);
    if (row === undefined || (row.deleted === 1 && getOptions.includeDeleted !== true)) {
      return undefined;
    }
    return recordFromRow(row);
  };

  /** A visible record; a deleted one is "not found" with a hint, as is any other id. */
  const requireRecord = (id: string): MemoryRecord => {
    const record = get(id, { includeDeleted: true });
    if (record === undefined) throw new NotFoundError(`no memory record '${id}' in ${projectRoot}`);
    if (record.deleted) {
      throw new NotFoundError(`the memory record '${id}' is deleted; restore it to change it`);
    }
    return record;
  };

  const write = (id: string, fields: Partial<MemoryFields>): void => {
    const entries = creationOrder.flatMap((field) => {
      const value = fields[field];
      return value === undefined ? [] : [[field, value] as const];
    });
    appendOps(db, clock, recordFieldDrafts(db, spec, { space, record: id, fields: entries }));
  };

  /** The fields of a record that hold concurrent values (an edit of one resolves it). */
  const conflictedFields = (record: MemoryRecord): Set<string> =>
    new Set(
      record.conflicted
        ? readFieldConflicts(db, 'memory', record.id).map((conflict) => conflict.field)
        : [],
    );

  const deletedOrVisible = (id: string): MemoryRecord => {
    const record = get(id, { includeDeleted: true });
    if (record === undefined) throw new StoreError(`the memory record '${id}' is gone`);
    return record;
  };

  const list: MemoryStore['list'] = (filter = {}) => {
    const { statuses, kinds } = filter;
    return cachedStatement<[string], MemoryRow>(
      db,
      `SELECT * FROM memory WHERE project = ? AND ${isVisible}
       ORDER BY updated_at DESC, id DESC`,
    )
      .all(projectRoot)
      .map(recordFromRow)
      .filter(
        (record) =>
          (statuses === undefined || statuses.includes(record.status)) &&
          (kinds === undefined || kinds.includes(record.kind)),
      );
  };

  const addAll = (drafts: readonly unknown[]): MemoryRecord[] => {
    const problems: string[] = [];
    const valid = drafts.flatMap((draft, index): ValidMemoryDraft[] => {
      try {
        return [validateDraft(draft, targets)];
      } catch (error) {
        if (!MemoryError.isInstance(error)) throw error;
        const where = drafts.length === 1 ? '' : `record ${index + 1}${titleOf(draft)}: `;
        problems.push(...error.problems.map((problem) => `${where}${problem}`));
        return [];
      }
    });
    if (problems.length > 0) throw new MemoryError(problems);
    return writeTransaction(db, () => {
      const time = now();
      const ids = valid.map((draft) => {
        const id = generateId();
        if (cachedStatement<[string]>(db, 'SELECT 1 FROM memory WHERE id = ?').get(id)) {
          throw new StoreError(`the id generator returned '${id}', which is already a record`);
        }
        const { session, model, ...fields } = draft;
        const provenance: MemoryProvenance = {
          user: options.userId,
          device: options.deviceId,
          ...(session === undefined ? {} : { session }),
          ...(model === undefined ? {} : { model }),
          createdAt: time,
        };
        write(id, { ...fields, project: projectRoot, provenance, updatedAt: time });
        return id;
      });
      return ids.map(requireRecord);
    });
  };

  return {
    add(draft) {
      const [record] = addAll([draft]);
      if (record === undefined) throw new StoreError('no memory record was added');
      return record;
    },

    addAll,

    get,

    resolveId: (idOrPrefix, resolveOptions = {}) => {
      const includeDeleted = resolveOptions.includeDeleted === true;
      return resolveProjectRecordId(db, {
        table: 'memory',
        condition: includeDeleted ? isComplete : isVisible,
        projectRoot,
        idOrPrefix,
        plural: 'memory records',
        singular: 'memory record',
        exists: (id) => get(id, { includeDeleted }) !== undefined,
      });
    },

    update(id, patch) {
      const valid = validatePatch(patch, targets);
      return writeTransaction(db, () => {
        const current = requireRecord(id);
        // A conflicted field is written even with its current value: the edit resolves it.
        const conflicted = conflictedFields(current);
        const changed = Object.fromEntries(
          Object.entries(valid).filter(
            ([field, value]) =>
              conflicted.has(field) ||
              JSON.stringify(value) !== JSON.stringify(current[field as keyof MemoryRecord]),
          ),
        ) as Partial<MemoryFields>;
        if (Object.keys(changed).length === 0) return current;
        write(id, { ...changed, updatedAt: now() });
        return requireRecord(id);
      });
    },

    setStatus(id, status) {
      const parsed = MemoryStatusInput.safeParse(status);
      if (!parsed.success) throw new MemoryError(describeIssues(parsed.error));
      return writeTransaction(db, () => {
        const current = requireRecord(id);
        if (current.status === parsed.data && !conflictedFields(current).has('status')) {
          return current;
        }
        write(id, { status: parsed.data, updatedAt: now() });
        return requireRecord(id);
      });
    },

    delete(id) {
      return writeTransaction(db, () => {
        requireRecord(id);
        appendOps(db, clock, [tombstoneDraft(spec, { space, record: id, deleted: true })]);
        return deletedOrVisible(id);
      });
    },

    restore(id) {
      return writeTransaction(db, () => {
        const current = get(id, { includeDeleted: true });
        if (current === undefined) {
          throw new NotFoundError(`no memory record '${id}' in ${projectRoot}`);
        }
        if (!current.deleted) return current;
        write(id, { updatedAt: now() });
        appendOps(db, clock, [tombstoneDraft(spec, { space, record: id, deleted: false })]);
        return requireRecord(id);
      });
    },

    conflicts(id) {
      if (get(id, { includeDeleted: true }) === undefined) {
        throw new NotFoundError(`no memory record '${id}' in ${projectRoot}`);
      }
      return readFieldConflicts(db, 'memory', id);
    },

    pick(id, field, choice) {
      return writeTransaction(db, () => {
        requireRecord(id);
        const picked = pickDrafts(db, spec, { space, record: id, field, choice, updatedAt: now() });
        if ('problem' in picked) throw new MemoryError([picked.problem]);
        appendOps(db, clock, picked.drafts);
        return requireRecord(id);
      });
    },

    list,

    recall(query, recallOptions = {}) {
      const limit = recallOptions.limit ?? defaultRecallLimit;
      if (!Number.isInteger(limit) || limit < 1) {
        throw new RangeError(`recall limit must be a positive integer, got ${limit}`);
      }
      const candidates = list({ statuses: recallOptions.statuses ?? ['accepted'] });
      return rankMemory(candidates, query, {
        limit,
        ...(recallOptions.context === undefined ? {} : { context: recallOptions.context }),
      });
    },
  };
}

/** ` ("Title")` when a draft has a usable title, for error messages about one of several. */
function titleOf(draft: unknown): string {
  const title = (draft as { title?: unknown } | null)?.title;
  return typeof title === 'string' && title.trim() !== ''
    ? ` (${JSON.stringify(title.trim())})`
    : '';
}

function recordFromRow(row: MemoryRow): MemoryRecord {
  // The materialiser only writes values that passed `MemoryFields`.
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    kind: row.kind as MemoryKind,
    tags: JSON.parse(row.tags) as string[],
    paths: JSON.parse(row.paths) as string[],
    links: JSON.parse(row.links) as MemoryLink[],
    status: row.status as MemoryStatus,
    provenance: JSON.parse(row.provenance) as MemoryProvenance,
    updatedAt: row.updated_at,
    conflicted: row.conflicted === 1,
    deleted: row.deleted === 1,
  };
}
