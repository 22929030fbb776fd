import type { FieldConflict } from '../store/field-conflicts.js';

/**
 * Tasks (docs/architecture/tasks.md): work to do in a project, stored as ops like memory records,
 * so they sync. This file is the contract between the store side (`task-store.ts`) and its users
 * (the `outpost task` commands; later the worker that claims and runs tasks).
 */

export const TASK_STATES = ['queued', 'in_progress', 'blocked', 'done', 'failed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** States a task ends in: within an epoch, they outrank every other state. */
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['done', 'failed'];

export function isTerminalState(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.includes(state);
}

/**
 * The status field: a state and the epoch it belongs to. A new task is `{ queued, 0 }`; reopening
 * a done or failed task writes `{ queued, epoch + 1 }`. Status merges by rank
 * `(epoch, isTerminal, hlc, device)`, so a stale `in_progress` cannot undo `done`.
 */
export interface TaskStatus {
  state: TaskState;
  epoch: number;
}

/** 0 is the most urgent, 4 the least; a new task gets 2. */
export const TASK_PRIORITIES = { highest: 0, lowest: 4, default: 2 } as const;

/** What a task points at; each must exist when the link is made. */
export interface TaskLink {
  type: 'commit' | 'session' | 'task';
  /** A commit hash (full or abbreviated), a session id, a task id. */
  id: string;
}

/** Who created a task, where and when; set once. */
export interface TaskProvenance {
  user: string;
  device: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface TaskRecord {
  /** UUIDv7; commands accept a unique prefix of at least 4 characters. */
  id: string;
  title: string;
  /** May be empty. */
  body: string;
  priority: number;
  labels: string[];
  links: TaskLink[];
  status: TaskStatus;
  provenance: TaskProvenance;
  /** Milliseconds since the epoch of the last change of any field. */
  updatedAt: number;
  /** Some field holds values written concurrently on two devices (see `conflicts`). */
  conflicted: boolean;
  /** Hidden by its `$deleted` tombstone (only `get(id, { includeDeleted })` returns it). */
  deleted: boolean;
}

export interface TaskDraft {
  title: string;
  body?: string;
  priority?: number;
  labels?: string[];
  links?: TaskLink[];
}

export type TaskPatch = Partial<TaskDraft>;

/** The state changes a person (or later the worker) makes; `reopen` starts a new epoch. */
export type TaskTransition = 'start' | 'block' | 'done' | 'fail' | 'reopen';

/**
 * The tasks of one project. Every write is validated first (a bad draft, patch or transition
 * throws a `TaskError` listing every problem and writes nothing) and becomes ops in the op log.
 */
export interface TaskStore {
  add(draft: TaskDraft): TaskRecord;
  /** Visible tasks only, unless `includeDeleted`. */
  get(id: string, options?: { includeDeleted?: boolean }): TaskRecord | undefined;
  /** A full id or a unique prefix (≥ 4 characters) → the full id; throws when unknown/ambiguous. */
  resolveId(idOrPrefix: string, options?: { includeDeleted?: boolean }): string;
  update(id: string, patch: TaskPatch): TaskRecord;
  transition(id: string, transition: TaskTransition): TaskRecord;
  /** Writes the `$deleted` tombstone: the task is hidden, never removed. */
  delete(id: string): TaskRecord;
  /** Writes `$deleted: false`: a deleted task is visible again. */
  restore(id: string): TaskRecord;
  /** Each conflicted field with its current value and the concurrent alternatives. */
  conflicts(id: string): FieldConflict[];
  /** Writes alternative `choice` (1-based, as `conflicts` lists them) of `field`; clears its flag. */
  pick(id: string, field: string, choice: number): TaskRecord;
  /**
   * Open tasks (queued, in progress, blocked) by priority, then oldest first; with `all`, done
   * and failed ones after them. Deleted tasks never.
   */
  list(options?: { all?: boolean }): TaskRecord[];
}
