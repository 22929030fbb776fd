import type { z } from 'zod';
import { MemoryFields, type MemoryFieldName } from '../memory/memory-fields.js';
import { compareTaskStatus, TaskFields, TaskStatusValue } from '../task/task-fields.js';
import { SettingFields, SETTING_VALUE_FIELD } from '../settings/setting-fields.js';
import type { ValueRank } from './merge-field.js';

/**
 * The record kinds whose fields merge one by one into a table row (memory records, tasks,
 * settings): what
 * `applyRecordField` needs to know about each. Sessions predate this and keep their own code.
 */

/** A column value as SQLite stores it. */
export type ColumnValue = string | number | null;

export interface RecordKindSpec {
  kind: 'memory' | 'task' | 'setting';
  table: 'memory' | 'tasks' | 'settings';
  /** The shape of each field's value; a field not listed is unknown to this version. */
  fields: Record<string, z.ZodType>;
  /** The columns a field's (parsed) value is written to; `$deleted` has none. */
  columns(field: string, value: unknown): Record<string, ColumnValue>;
  /**
   * Fields whose concurrent writes flag the record `conflicted`; their ops carry a base. Fields
   * every write touches (`updatedAt`), fields written once (`project`, `provenance`), the tombstone
   * and a ranked status are not flagged.
   */
  flagged: ReadonlySet<string>;
  /** Fields merged by a rank before time (`mergeField`). */
  ranks: Readonly<Record<string, ValueRank>>;
}

export const TOMBSTONE_FIELD = '$deleted';

/** Arrays and objects are stored as JSON text, booleans as 0/1. */
function sqlValue(value: unknown): ColumnValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value as string | number;
}

const memoryColumns: Record<Exclude<MemoryFieldName, '$deleted'>, string> = {
  project: 'project',
  provenance: 'provenance',
  title: 'title',
  body: 'body',
  kind: 'kind',
  tags: 'tags',
  paths: 'paths',
  links: 'links',
  status: 'status',
  updatedAt: 'updated_at',
};

const memorySpec: RecordKindSpec = {
  kind: 'memory',
  table: 'memory',
  fields: MemoryFields.shape,
  columns(field, value) {
    const column = memoryColumns[field as keyof typeof memoryColumns] as string | undefined;
    return column === undefined ? {} : { [column]: sqlValue(value) };
  },
  flagged: new Set(['title', 'body', 'kind', 'tags', 'paths', 'links', 'status']),
  ranks: {},
};

const taskColumns: Record<string, string> = {
  project: 'project',
  provenance: 'provenance',
  title: 'title',
  body: 'body',
  priority: 'priority',
  labels: 'labels',
  links: 'links',
  updatedAt: 'updated_at',
};

const taskSpec: RecordKindSpec = {
  kind: 'task',
  table: 'tasks',
  fields: TaskFields.shape,
  columns(field, value) {
    if (field === 'status') {
      const status = value as TaskStatusValue;
      return { state: status.state, epoch: status.epoch };
    }
    const column = taskColumns[field];
    return column === undefined ? {} : { [column]: sqlValue(value) };
  },
  flagged: new Set(['title', 'body', 'priority', 'labels', 'links']),
  ranks: {
    status: (first, second) =>
      compareTaskStatus(TaskStatusValue.parse(first), TaskStatusValue.parse(second)),
  },
};

/**
 * Settings: per-key last-writer-wins, losers in `field_history`. Nothing is flagged (a setting
 * has no conflict to pick) and there is no tombstone: an unset is the value `null`, an ordinary
 * write a later set overrides.
 */
const settingSpec: RecordKindSpec = {
  kind: 'setting',
  table: 'settings',
  fields: SettingFields.shape,
  columns(field, value): Record<string, ColumnValue> {
    if (field !== SETTING_VALUE_FIELD) return {};
    return { value: value === null ? null : JSON.stringify(value) };
  },
  flagged: new Set(),
  ranks: {},
};

export const recordKinds: Readonly<Record<RecordKindSpec['kind'], RecordKindSpec>> = {
  memory: memorySpec,
  task: taskSpec,
  setting: settingSpec,
};
