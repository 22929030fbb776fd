import { z } from 'zod';
import { TASK_STATES, isTerminalState } from './task-types.js';

/**
 * The fields of a `task` record in the op log: one op per field (docs/architecture/tasks.md).
 * These schemas check only the shape of a value, which is what the materialiser needs to merge
 * ops from any device; the limits a new value must meet are checked where a write enters the
 * store (`task-validation.ts`).
 */

export const TaskStatusValue = z.object({
  state: z.enum(TASK_STATES),
  epoch: z.number().int().nonnegative(),
});
export type TaskStatusValue = z.infer<typeof TaskStatusValue>;

export const TaskLinkValue = z.object({
  type: z.enum(['commit', 'session', 'task']),
  id: z.string().min(1),
});
export type TaskLinkValue = z.infer<typeof TaskLinkValue>;

export const TaskProvenanceValue = z.object({
  user: z.string().min(1),
  device: z.string().min(1),
  createdAt: z.number().int(),
});
export type TaskProvenanceValue = z.infer<typeof TaskProvenanceValue>;

export const TaskFields = z.object({
  /** The project root the task belongs to (absolute path); written once, at creation. */
  project: z.string().min(1),
  /** Who, where and when; written once, at creation. */
  provenance: TaskProvenanceValue,
  title: z.string(),
  body: z.string(),
  priority: z.number().int(),
  labels: z.array(z.string()),
  links: z.array(TaskLinkValue),
  /** Merged by rank, not by time alone (`compareTaskStatus`). */
  status: TaskStatusValue,
  /** Wall-clock milliseconds of the write; written with every change. */
  updatedAt: z.number().int(),
  /** The tombstone: `true` hides the task while it is newer than every other field's winner. */
  $deleted: z.boolean(),
});
export type TaskFields = z.infer<typeof TaskFields>;

export const TaskFieldName = TaskFields.keyof();
export type TaskFieldName = z.infer<typeof TaskFieldName>;

/**
 * The rank of two status values: epoch first, then terminal (done, failed) over the rest. Equal
 * ranks are left to the caller's `(hlc, device, seq)` order, so the whole is a total order and its
 * maximum does not depend on the order ops arrive in (reference/sync-notes.md §4.3).
 */
export function compareTaskStatus(first: TaskStatusValue, second: TaskStatusValue): number {
  if (first.epoch !== second.epoch) return Math.sign(first.epoch - second.epoch);
  return Number(isTerminalState(first.state)) - Number(isTerminalState(second.state));
}
