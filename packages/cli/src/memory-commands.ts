import type { Command } from 'commander';
import type {
  ExportMemoryFlags,
  ListMemoryFlags,
  MemoryFieldFlags,
  MemoryFlags,
  SearchMemoryFlags,
} from './commands/memory.js';

/**
 * `outpost memory …`, registered by the composition root (`main.ts`), which passes its `execute`.
 * Only argument parsing lives here; the command module loads when a memory command runs.
 */

type Execute = (command: () => Promise<number>, flags: { json?: boolean }) => Promise<void>;

/** Collects a repeatable option: `--tags a,b --tags c` → ['a,b', 'c'] (the command splits commas). */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function addMemoryCommands(program: Command, execute: Execute): void {
  const memory = program
    .command('memory')
    .description('project memory: decisions, conventions, fixes, facts and todos that last')
    .addHelpText(
      'after',
      '\nRecords belong to the project (the git work tree around --cwd). export writes Markdown\n' +
        'that memory add --file reads back. The rules files (AGENTS.md, CLAUDE.md, .cursorrules,\n' +
        'CONVENTIONS.md) are listed read-only: edit them as files.\n' +
        'After sync, a field edited on two devices without either seeing the other is [conflicted]:\n' +
        'the later value shows, show lists every value, and pick (or any edit of the field) settles\n' +
        'it, on every device once synced. delete hides a record and keeps it; an edit made later\n' +
        'on another device brings it back.',
    );
  const cwd = ['-C, --cwd <dir>', 'the project directory (default: the current one)'] as const;
  const fieldOptions = (command: Command) =>
    command
      .option('--kind <kind>', 'decision, convention, fix, fact or todo')
      .option('--title <text>', 'one line, at most 200 characters')
      .option('--body <text>', 'what to remember, at most 8,000 characters (- reads stdin)')
      .option('--tags <tags>', 'words to find it by, comma-separated (repeatable)', collect)
      .option('--paths <paths>', 'project files or directories it is about (repeatable)', collect)
      .option(
        '--link <type:id>',
        'commit:SHA, session:ID or task:ID it relates to (repeatable)',
        collect,
      )
      .option(...cwd);
  fieldOptions(
    memory.command('add').description('add a record (accepted), or import an export with --file'),
  )
    .option('--file <file>', 'import every record of a file written by memory export')
    .option('--json', 'the records added, one JSON object per line')
    .action(async (flags: MemoryFieldFlags & { file?: string }) => {
      const { addMemoryCommand } = await import('./commands/memory.js');
      await execute(() => addMemoryCommand(flags), flags);
    });
  memory
    .command('list')
    .description(
      'one line per record (id, status, kind, title, [conflicted]), then the rules files',
    )
    .option('--status <statuses>', 'proposed, accepted, retired or all (default all)')
    .option('--kind <kinds>', 'only these kinds, comma-separated')
    .option(...cwd)
    .option('--json', 'one JSON object per line')
    .action(async (flags: ListMemoryFlags) => {
      const { listMemoryCommand } = await import('./commands/memory.js');
      await execute(() => listMemoryCommand(flags), flags);
    });
  memory
    .command('show')
    .description('every field of a record, provenance and links included, and its conflicts')
    .argument('<id>', 'record id or a unique prefix of it (deleted records too)')
    .option(...cwd)
    .option('--json', 'the record as JSON, with conflicts: [{ field, alternatives }]')
    .action(async (id: string, flags: MemoryFlags) => {
      const { showMemoryCommand } = await import('./commands/memory-merge.js');
      await execute(() => showMemoryCommand(id, flags), flags);
    });
  memory
    .command('pick')
    .description('settle a conflicted field: keep value N as memory show numbers them')
    .argument('<id>', 'record id or a unique prefix of it')
    .argument('<field>', 'the conflicted field: title, body, kind, tags, paths, links or status')
    .argument('<n>', 'the number of the value to keep (1 is the current one)')
    .option(...cwd)
    .option('--json', 'the record as JSON')
    .action(async (id: string, field: string, choice: string, flags: MemoryFlags) => {
      const { pickMemoryCommand } = await import('./commands/memory-merge.js');
      await execute(() => pickMemoryCommand(id, field, choice, flags), flags);
    });
  fieldOptions(
    memory
      .command('edit')
      .description('change the fields given; the others stay')
      .argument('<id>', 'record id or a unique prefix of it'),
  )
    .option('--json', 'the record as JSON')
    .action(async (id: string, flags: MemoryFieldFlags) => {
      const { editMemoryCommand } = await import('./commands/memory.js');
      await execute(() => editMemoryCommand(id, flags), flags);
    });
  for (const [name, status, description] of [
    ['accept', 'accepted', 'accept a record: the agent recalls accepted records'],
    ['retire', 'retired', 'retire a record: kept, but never recalled'],
  ] as const) {
    memory
      .command(name)
      .description(description)
      .argument('<id>', 'record id or a unique prefix of it')
      .option(...cwd)
      .option('--json', 'the record as JSON')
      .action(async (id: string, flags: MemoryFlags) => {
        const { setMemoryStatusCommand } = await import('./commands/memory.js');
        await execute(() => setMemoryStatusCommand(id, status, flags), flags);
      });
  }
  for (const [name, description] of [
    ['delete', 'hide a record everywhere it syncs to (kept, and restore brings it back)'],
    ['restore', 'bring a deleted record back'],
  ] as const) {
    memory
      .command(name)
      .description(description)
      .argument('<id>', 'record id or a unique prefix of it')
      .option(...cwd)
      .option('--json', 'the record as JSON')
      .action(async (id: string, flags: MemoryFlags) => {
        const { deleteMemoryCommand } = await import('./commands/memory.js');
        await execute(() => deleteMemoryCommand(id, name, flags), flags);
      });
  }
  memory
    .command('search')
    .description('records ranked for words, as the agent recalls them (proposed included)')
    .argument('<query...>', 'what to look for')
    .option('--status <statuses>', 'proposed, accepted, retired or all (default proposed,accepted)')
    .option('--paths <paths>', 'files of the current work: records about them rank higher', collect)
    .option('--symbols <names>', 'code names: records that mention them rank higher', collect)
    .option('--limit <n>', 'how many results (default 10)')
    .option(...cwd)
    .option('--json', 'one JSON object per result: score and record')
    .action(async (words: string[], flags: SearchMemoryFlags) => {
      const { searchMemoryCommand } = await import('./commands/memory.js');
      await execute(() => searchMemoryCommand(words.join(' '), flags), flags);
    });
  memory
    .command('export')
    .description('every record as Markdown (memory add --file reads it back)')
    .option('--output <file>', 'write to this file instead of standard output')
    .option('--status <statuses>', 'proposed, accepted, retired or all (default all)')
    .option(...cwd)
    .action(async (flags: ExportMemoryFlags) => {
      const { exportMemoryCommand } = await import('./commands/memory.js');
      await execute(() => exportMemoryCommand(flags), {});
    });
}
