import type { TaskRecord, TaskState } from '@outpost/core';
import { oneLine } from '../text.js';
import { formatDateTime } from './session-format.js';
import type { Style } from './style.js';

/** Widths of the `task list` columns after the id. */
const stateWidth = 11;

const stateNames: Record<TaskState, string> = {
  queued: 'queued',
  in_progress: 'in progress',
  blocked: 'blocked',
  done: 'done',
  failed: 'failed',
};

function colorState(state: TaskState, style: Style): string {
  const padded = stateNames[state].padEnd(stateWidth);
  if (state === 'in_progress') return style.cyan(padded);
  if (state === 'done') return style.green(padded);
  if (state === 'failed') return style.red(padded);
  if (state === 'blocked') return style.yellow(padded);
  return padded;
}

/** One line per task: id (a unique prefix), state, priority, title, labels, flags. */
export function formatTaskLine(
  task: TaskRecord,
  shortId: string,
  idWidth: number,
  style: Style,
): string {
  return [
    style.bold(shortId.padEnd(idWidth)),
    colorState(task.status.state, style),
    `P${task.priority}`,
    oneLine(task.title, 100),
    ...(task.labels.length === 0 ? [] : [style.dim(task.labels.join(', '))]),
    ...(task.conflicted ? [style.yellow('[conflicted]')] : []),
    ...(task.deleted ? [style.dim('[deleted]')] : []),
  ].join('  ');
}

const none = '(none)';

/** Every field of a task, its conflicts (`formatConflicts`) if any, then its body. */
export function formatTaskDetail(
  task: TaskRecord,
  style: Style,
  conflicts: readonly string[] = [],
): string {
  const { provenance, status } = task;
  const fields: [string, string][] = [
    ['id', task.id],
    ['status', `${colorState(status.state, style).trimEnd()} (epoch ${status.epoch})`],
    ['priority', `${task.priority} (0 most urgent, 4 least)`],
    ['labels', task.labels.join(', ') || none],
    ['links', task.links.map((link) => `${link.type} ${link.id}`).join(', ') || none],
    ['created', formatDateTime(provenance.createdAt, true)],
    ['user', provenance.user],
    ['device', provenance.device],
    ['updated', formatDateTime(task.updatedAt, true)],
    ...(task.deleted
      ? [['deleted', 'yes (outpost task restore brings it back)'] as [string, string]]
      : []),
  ];
  return [
    style.bold(task.title),
    '',
    ...fields.map(([name, value]) => `${style.dim(name.padEnd(8))}  ${value}`),
    ...(conflicts.length === 0 ? [] : ['', ...conflicts]),
    ...(task.body === '' ? [] : ['', task.body]),
  ].join('\n');
}
