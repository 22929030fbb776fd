import { readFileSync } from 'node:fs';
import { shortMemoryId, type TaskPatch, type TaskRecord, type TaskStore } from '@outpost/core';
import type { TaskTransition } from '@outpost/core';
import { terminalView } from '../agent-session.js';
import type { Terminal } from '../agent-session.js';
import { formatConflicts } from '../render/conflict-format.js';
import { formatTaskDetail, formatTaskLine } from '../render/task-format.js';
import { UsageError } from '../usage-error.js';
import {
  choiceArgument,
  linksFlag,
  listFlag,
  withProjectRecords,
  type ProjectFlags,
} from './project-records.js';

/** `outpost task …` (docs/architecture/tasks.md): the tasks of the current project. */

export type TaskFlags = ProjectFlags;

export interface TaskFieldFlags extends TaskFlags {
  title?: string;
  body?: string;
  priority?: string;
  label?: string[];
  link?: string[];
}

interface ProjectTasks {
  terminal: Terminal;
  tasks: TaskStore;
  projectRoot: string;
}

function withProjectTasks(flags: TaskFlags, work: (project: ProjectTasks) => number) {
  return withProjectRecords(flags, ({ terminal, store, projectRoot, commitExists }) =>
    work({ terminal, tasks: store.tasks({ projectRoot, commitExists }), projectRoot }),
  );
}

/** The shortest unique prefix of a task's id (of deleted tasks too, when it is one). */
function shortTaskId(tasks: TaskStore, task: TaskRecord): string {
  return shortMemoryId(
    { resolveId: (prefix) => tasks.resolveId(prefix, { includeDeleted: task.deleted }) },
    task.id,
  );
}

function printTask(terminal: Terminal, tasks: TaskStore, task: TaskRecord, verb: string): void {
  const id = shortTaskId(tasks, task);
  const line = formatTaskLine(task, id, id.length, terminalView(terminal).style);
  terminal.stdout.write(`${verb} ${line}\n`);
}

/** `--priority N`: a whole number (the store says which). */
function priorityFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new UsageError(
      `--priority takes a whole number from 0 (most urgent) to 4, not "${value}".`,
    );
  }
  return Number(value);
}

/** The fields given as flags, for `add` and `edit`; `--body -` reads standard input. */
function fieldsFrom(flags: TaskFieldFlags): TaskPatch {
  const body = flags.body === '-' ? readFileSync(0, 'utf8') : flags.body;
  const priority = priorityFlag(flags.priority);
  const labels = listFlag(flags.label);
  const links = linksFlag(flags.link);
  return {
    ...(flags.title === undefined ? {} : { title: flags.title }),
    ...(body === undefined ? {} : { body }),
    ...(priority === undefined ? {} : { priority }),
    ...(labels === undefined ? {} : { labels }),
    ...(links === undefined ? {} : { links }),
  };
}

/** `outpost task add TITLE`: a queued task. */
export async function addTaskCommand(title: string, flags: TaskFieldFlags) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const task = tasks.add({ ...fieldsFrom(flags), title });
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(task)}\n`);
    else printTask(terminal, tasks, task, 'Added');
    return 0;
  });
}

/** `outpost task list [--all]`: open tasks by state and priority; done and failed with --all. */
export async function listTasksCommand(flags: TaskFlags & { all?: boolean }) {
  return withProjectTasks(flags, ({ terminal, tasks, projectRoot }) => {
    const list = tasks.list({ all: flags.all === true });
    if (flags.json === true) {
      for (const task of list) terminal.stdout.write(`${JSON.stringify(task)}\n`);
      return 0;
    }
    if (list.length === 0) {
      terminal.stderr.write(
        `No ${flags.all === true ? '' : 'open '}tasks for ${projectRoot}. ` +
          'Add one: outpost task add "…"\n',
      );
      return 0;
    }
    const { style } = terminalView(terminal);
    const ids = list.map((task) => shortTaskId(tasks, task));
    const width = Math.max(8, ...ids.map((id) => id.length));
    list.forEach((task, index) => {
      terminal.stdout.write(`${formatTaskLine(task, ids[index] ?? task.id, width, style)}\n`);
    });
    return 0;
  });
}

/** `outpost task show ID`: every field, the conflicts if any, then the body. Deleted ones too. */
export async function showTaskCommand(idOrPrefix: string, flags: TaskFlags) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const id = tasks.resolveId(idOrPrefix, { includeDeleted: true });
    const task = tasks.get(id, { includeDeleted: true });
    if (task === undefined) throw new UsageError(`No task matches "${idOrPrefix}".`);
    const conflicts = tasks.conflicts(id);
    if (flags.json === true) {
      terminal.stdout.write(`${JSON.stringify({ ...task, conflicts })}\n`);
      return 0;
    }
    const { style } = terminalView(terminal);
    const lines = formatConflicts(conflicts, {
      pickCommand: `outpost task pick ${shortTaskId(tasks, task)}`,
      style,
    });
    terminal.stdout.write(`${formatTaskDetail(task, style, lines)}\n`);
    return 0;
  });
}

/** `outpost task edit ID`: changes the fields given, keeps the rest. */
export async function editTaskCommand(idOrPrefix: string, flags: TaskFieldFlags) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const patch = fieldsFrom(flags);
    if (Object.keys(patch).length === 0) {
      throw new UsageError(
        'Nothing to change: give --title, --body, --priority, --label or --link.',
      );
    }
    const task = tasks.update(tasks.resolveId(idOrPrefix), patch);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(task)}\n`);
    else printTask(terminal, tasks, task, 'Updated');
    return 0;
  });
}

const transitionVerbs: Record<TaskTransition, string> = {
  start: 'Started',
  block: 'Blocked',
  done: 'Done',
  fail: 'Failed',
  reopen: 'Reopened',
};

/** `outpost task start|block|done|fail|reopen ID`. */
export async function transitionTaskCommand(
  idOrPrefix: string,
  transition: TaskTransition,
  flags: TaskFlags,
) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const task = tasks.transition(tasks.resolveId(idOrPrefix), transition);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(task)}\n`);
    else printTask(terminal, tasks, task, transitionVerbs[transition]);
    return 0;
  });
}

/** `outpost task delete ID` (a tombstone: hidden, kept) and `outpost task restore ID`. */
export async function deleteTaskCommand(
  idOrPrefix: string,
  action: 'delete' | 'restore',
  flags: TaskFlags,
) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const id = tasks.resolveId(idOrPrefix, { includeDeleted: action === 'restore' });
    const task = action === 'delete' ? tasks.delete(id) : tasks.restore(id);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(task)}\n`);
    else printTask(terminal, tasks, task, action === 'delete' ? 'Deleted' : 'Restored');
    return 0;
  });
}

/** `outpost task pick ID FIELD N`: keeps value N of a conflicted field, as a new op. */
export async function pickTaskCommand(
  idOrPrefix: string,
  field: string,
  choice: string,
  flags: TaskFlags,
) {
  return withProjectTasks(flags, ({ terminal, tasks }) => {
    const task = tasks.pick(tasks.resolveId(idOrPrefix), field, choiceArgument(choice));
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(task)}\n`);
    else printTask(terminal, tasks, task, `Kept value ${choice} of ${field}:`);
    return 0;
  });
}
