import { isAbsolute } from 'node:path';
import type { SpaceId } from '@outpost/protocol';
import { NotFoundError } from '../errors/not-found-error.js';
import { StoreError } from '../errors/store-error.js';
import type { IdGenerator } from '../ids/ids.js';
import type { LinkTargets } from '../memory/memory-validation.js';
import { cachedStatement, writeTransaction, type SqliteDatabase } from '../store/database.js';
import { readFieldConflicts } from '../store/field-conflicts.js';
import { findSessionIds } from '../store/find-session-ids.js';
import type { HybridLogicalClock } from '../store/hybrid-logical-clock.js';
import { appendOps } from '../store/op-log.js';
import { recordKinds } from '../store/record-kinds.js';
import { pickDrafts, recordFieldDrafts, tombstoneDraft } from '../store/record-writes.js';
import { resolveProjectRecordId } from '../store/resolve-id-prefix.js';
import { TaskError } from './task-error.js';
import type { TaskFieldName, TaskFields } from './task-fields.js';
import { findTaskIds, TASK_IS_COMPLETE } from './task-queries.js';
import type { TaskLink, TaskProvenance, TaskRecord, TaskState, TaskStore } from './task-types.js';
import { planTransition, validateTaskDraft, validateTaskPatch } from './task-validation.js';

export interface TaskStoreOptions {
  db: SqliteDatabase;
  clock: HybridLogicalClock;
  now: () => number;
  generateId: IdGenerator;
  /** The space new tasks are written to, e.g. `user:<id>`. */
  space: SpaceId;
  userId: string;
  deviceId: string;
  /** The project the tasks belong to: its absolute root, as sessions record it. */
  projectRoot: string;
  /** Whether `sha` names a commit of the project; without it commit links are refused. */
  commitExists?: (sha: string) => boolean;
}

interface TaskRow {
  id: string;
  project: string;
  provenance: string;
  title: string;
  body: string;
  priority: number;
  labels: string;
  links: string;
  state: string;
  epoch: number;
  updated_at: number;
  deleted: number;
  conflicted: number;
}

const isVisible = `${TASK_IS_COMPLETE} AND deleted = 0`;
const spec = recordKinds.task;
/** The order fields are written in when a task is created. */
const creationOrder: readonly Exclude<TaskFieldName, '$deleted'>[] = [
  'project',
  'provenance',
  'title',
  'body',
  'priority',
  'labels',
  'links',
  'status',
  'updatedAt',
];
/** `list` order: what is being worked on, then what is waiting, then what is stuck. */
const stateOrder: Record<TaskState, number> = {
  in_progress: 0,
  queued: 1,
  blocked: 2,
  done: 3,
  failed: 3,
};

/**
 * The tasks of one project, kept in the store's op log: every write is validated first (nothing
 * is written when anything is wrong) and becomes one op per field.
 */
export function createTaskStore(options: TaskStoreOptions): TaskStore {
  const { db, clock, now, generateId, space, projectRoot } = options;
  if (!isAbsolute(projectRoot)) {
    throw new StoreError(`the project root of a task store must be absolute, not '${projectRoot}'`);
  }

  const targets: LinkTargets = {
    findSessions: (idOrPrefix) => findSessionIds(db, idOrPrefix),
    findTasks: (idOrPrefix) => findTaskIds(db, projectRoot, idOrPrefix),
    commitExists: options.commitExists,
  };

  const get: TaskStore['get'] = (id, getOptions = {}) => {
    const row = cachedStatement<[string, string], TaskRow>(
      db,
      `SELECT * FROM tasks WHERE id = ? AND project = ? AND ${TASK_IS_COMPLETE}`,
    ).get(id, projectRoot);
    if (row === undefined || (row.deleted === 1 && getOptions.includeDeleted !== true)) {
      return undefined;
    }
    return taskFromRow(row);
  };

  const notFound = (id: string) => new NotFoundError(`no task '${id}' in ${projectRoot}`);

  const requireTask = (id: string): TaskRecord => {
    const task = get(id, { includeDeleted: true });
    if (task === undefined) throw notFound(id);
    if (task.deleted)
      throw new NotFoundError(`the task '${id}' is deleted; restore it to change it`);
    return task;
  };

  const write = (id: string, fields: Partial<TaskFields>): void => {
    const entries = creationOrder.flatMap((field) => {
      const value = fields[field];
      return value === undefined ? [] : [[field, value] as const];
    });
    appendOps(db, clock, recordFieldDrafts(db, spec, { space, record: id, fields: entries }));
  };

  const conflictedFields = (task: TaskRecord): Set<string> =>
    new Set(
      task.conflicted ? readFieldConflicts(db, 'task', task.id).map((each) => each.field) : [],
    );

  return {
    add(draft) {
      const valid = validateTaskDraft(draft, targets);
      return writeTransaction(db, () => {
        const id = generateId();
        if (cachedStatement<[string]>(db, 'SELECT 1 FROM tasks WHERE id = ?').get(id)) {
          throw new StoreError(`the id generator returned '${id}', which is already a task`);
        }
        const time = now();
        const provenance: TaskProvenance = {
          user: options.userId,
          device: options.deviceId,
          createdAt: time,
        };
        write(id, {
          ...valid,
          project: projectRoot,
          provenance,
          status: { state: 'queued', epoch: 0 },
          updatedAt: time,
        });
        return requireTask(id);
      });
    },

    get,

    resolveId(idOrPrefix, resolveOptions = {}) {
      const includeDeleted = resolveOptions.includeDeleted === true;
      return resolveProjectRecordId(db, {
        table: 'tasks',
        condition: includeDeleted ? TASK_IS_COMPLETE : isVisible,
        projectRoot,
        idOrPrefix,
        plural: 'tasks',
        singular: 'task',
        exists: (id) => get(id, { includeDeleted }) !== undefined,
      });
    },

    update(id, patch) {
      const valid = validateTaskPatch(patch, targets);
      if (valid.links?.some((link) => link.type === 'task' && link.id === id)) {
        throw new TaskError(['a task cannot link to itself']);
      }
      return writeTransaction(db, () => {
        const current = requireTask(id);
        // A conflicted field is written even with its current value: the edit resolves it.
        const conflicted = conflictedFields(current);
        const changed = Object.fromEntries(
          Object.entries(valid).filter(
            ([field, value]) =>
              conflicted.has(field) ||
              JSON.stringify(value) !== JSON.stringify(current[field as keyof TaskRecord]),
          ),
        ) as Partial<TaskFields>;
        if (Object.keys(changed).length === 0) return current;
        write(id, { ...changed, updatedAt: now() });
        return requireTask(id);
      });
    },

    transition(id, transition) {
      return writeTransaction(db, () => {
        const current = requireTask(id);
        const planned = planTransition(current.status, transition);
        if ('problem' in planned) throw new TaskError([planned.problem]);
        if (planned.status === current.status) return current;
        write(id, { status: planned.status, updatedAt: now() });
        return requireTask(id);
      });
    },

    delete(id) {
      return writeTransaction(db, () => {
        requireTask(id);
        appendOps(db, clock, [tombstoneDraft(spec, { space, record: id, deleted: true })]);
        const task = get(id, { includeDeleted: true });
        if (task === undefined) throw notFound(id);
        return task;
      });
    },

    restore(id) {
      return writeTransaction(db, () => {
        const current = get(id, { includeDeleted: true });
        if (current === undefined) throw notFound(id);
        if (!current.deleted) return current;
        write(id, { updatedAt: now() });
        appendOps(db, clock, [tombstoneDraft(spec, { space, record: id, deleted: false })]);
        return requireTask(id);
      });
    },

    conflicts(id) {
      if (get(id, { includeDeleted: true }) === undefined) throw notFound(id);
      return readFieldConflicts(db, 'task', id);
    },

    pick(id, field, choice) {
      return writeTransaction(db, () => {
        requireTask(id);
        const picked = pickDrafts(db, spec, { space, record: id, field, choice, updatedAt: now() });
        if ('problem' in picked) throw new TaskError([picked.problem]);
        appendOps(db, clock, picked.drafts);
        return requireTask(id);
      });
    },

    list(listOptions = {}) {
      return cachedStatement<[string], TaskRow>(
        db,
        `SELECT * FROM tasks WHERE project = ? AND ${isVisible}`,
      )
        .all(projectRoot)
        .map(taskFromRow)
        .filter((task) => listOptions.all === true || stateOrder[task.status.state] < 3)
        .sort(
          (first, second) =>
            stateOrder[first.status.state] - stateOrder[second.status.state] ||
            first.priority - second.priority ||
            first.provenance.createdAt - second.provenance.createdAt ||
            (first.id < second.id ? -1 : first.id > second.id ? 1 : 0),
        );
    },
  };
}

function taskFromRow(row: TaskRow): TaskRecord {
  // The materialiser only writes values that passed `TaskFields`.
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    priority: row.priority,
    labels: JSON.parse(row.labels) as string[],
    links: JSON.parse(row.links) as TaskLink[],
    status: { state: row.state as TaskState, epoch: row.epoch },
    provenance: JSON.parse(row.provenance) as TaskProvenance,
    updatedAt: row.updated_at,
    conflicted: row.conflicted === 1,
    deleted: row.deleted === 1,
  };
}
