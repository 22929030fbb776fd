import type { Command } from 'commander';
import type { TaskFieldFlags, TaskFlags } from './commands/task.js';

/**
 * `outpost task …`, registered by the composition root (`main.ts`), which passes its `execute`.
 * Only argument parsing lives here; the command module loads when a task command runs.
 */

type Execute = (command: () => Promise<number>, flags: { json?: boolean }) => Promise<void>;

/** Collects a repeatable option: `--label a,b --label c` → ['a,b', 'c'] (the command splits commas). */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const TASK_HELP = `
Tasks belong to the project (the git work tree around --cwd) and sync with the store. A task is
queued, in progress, blocked, done or failed; done and failed are final until reopen, which starts
a new epoch. When devices disagree after sync, status keeps the latest epoch, and done or failed
over the rest within it, so a stale start never undoes done. Other fields keep the later value;
one edited on two devices without either seeing the other is [conflicted]: show lists every
value, and pick (or any edit of the field) settles it, on every device once synced. delete hides
a task and keeps it; an edit made later on another device brings it back.`;

export function addTaskCommands(program: Command, execute: Execute): void {
  const task = program
    .command('task')
    .description('the project’s tasks: add, list, start, finish, reopen')
    .addHelpText('after', TASK_HELP);
  const cwd = ['-C, --cwd <dir>', 'the project directory (default: the current one)'] as const;
  const fieldOptions = (command: Command) =>
    command
      .option('--body <text>', 'what to do, in detail, at most 8,000 characters (- reads stdin)')
      .option('--priority <n>', '0 (most urgent) to 4 (least); a new task gets 2')
      .option('--label <labels>', 'words to group it by, comma-separated (repeatable)', collect)
      .option(
        '--link <type:id>',
        'commit:SHA, session:ID or task:ID it relates to (repeatable)',
        collect,
      )
      .option(...cwd)
      .option('--json', 'the task as JSON');
  const byId = (name: string, description: string) =>
    task
      .command(name)
      .description(description)
      .argument('<id>', 'task id or a unique prefix of it')
      .option(...cwd)
      .option('--json', 'the task as JSON');

  fieldOptions(
    task
      .command('add')
      .description('add a queued task')
      .argument('<title...>', 'one line saying what to do'),
  ).action(async (words: string[], flags: TaskFieldFlags) => {
    const { addTaskCommand } = await import('./commands/task.js');
    await execute(() => addTaskCommand(words.join(' '), flags), flags);
  });
  task
    .command('list')
    .description('open tasks (in progress, queued, blocked) by priority, oldest first')
    .option('--all', 'done and failed tasks too, after the open ones')
    .option(...cwd)
    .option('--json', 'one JSON object per line')
    .action(async (flags: TaskFlags & { all?: boolean }) => {
      const { listTasksCommand } = await import('./commands/task.js');
      await execute(() => listTasksCommand(flags), flags);
    });
  task
    .command('show')
    .description('every field of a task, and its conflicts')
    .argument('<id>', 'task id or a unique prefix of it (deleted tasks too)')
    .option(...cwd)
    .option('--json', 'the task as JSON, with conflicts: [{ field, alternatives }]')
    .action(async (id: string, flags: TaskFlags) => {
      const { showTaskCommand } = await import('./commands/task.js');
      await execute(() => showTaskCommand(id, flags), flags);
    });
  fieldOptions(
    task
      .command('edit')
      .description('change the fields given (labels and links are replaced); the others stay')
      .argument('<id>', 'task id or a unique prefix of it')
      .option('--title <text>', 'one line, at most 200 characters'),
  ).action(async (id: string, flags: TaskFieldFlags) => {
    const { editTaskCommand } = await import('./commands/task.js');
    await execute(() => editTaskCommand(id, flags), flags);
  });
  for (const [name, description] of [
    ['start', 'mark a queued or blocked task in progress'],
    ['block', 'mark an open task blocked'],
    ['done', 'mark an open task done (final until reopen)'],
    ['fail', 'mark an open task failed (final until reopen)'],
    ['reopen', 'queue a done or failed task again, in a new epoch'],
  ] as const) {
    byId(name, description).action(async (id: string, flags: TaskFlags) => {
      const { transitionTaskCommand } = await import('./commands/task.js');
      await execute(() => transitionTaskCommand(id, name, flags), flags);
    });
  }
  for (const [name, description] of [
    ['delete', 'hide a task everywhere it syncs to (kept, and restore brings it back)'],
    ['restore', 'bring a deleted task back'],
  ] as const) {
    byId(name, description).action(async (id: string, flags: TaskFlags) => {
      const { deleteTaskCommand } = await import('./commands/task.js');
      await execute(() => deleteTaskCommand(id, name, flags), flags);
    });
  }
  task
    .command('pick')
    .description('settle a conflicted field: keep value N as task show numbers them')
    .argument('<id>', 'task id or a unique prefix of it')
    .argument('<field>', 'the conflicted field: title, body, priority, labels or links')
    .argument('<n>', 'the number of the value to keep (1 is the current one)')
    .option(...cwd)
    .option('--json', 'the task as JSON')
    .action(async (id: string, field: string, choice: string, flags: TaskFlags) => {
      const { pickTaskCommand } = await import('./commands/task.js');
      await execute(() => pickTaskCommand(id, field, choice, flags), flags);
    });
}
