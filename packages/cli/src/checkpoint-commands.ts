import type { Command } from 'commander';
import type { SessionsDiffFlags } from './commands/sessions-diff.js';
import type { UndoFlags } from './commands/undo.js';

/**
 * `outpost undo` and `outpost sessions diff` (docs/architecture/checkpoints.md), registered by the
 * composition root (`main.ts`), which passes its `sessions` command and its `execute`. Only
 * argument parsing lives here; the command modules load when one runs.
 */

type Execute = (command: () => Promise<number>, flags: { json?: boolean }) => Promise<void>;

export function addCheckpointCommands(program: Command, sessions: Command, execute: Execute): void {
  sessions
    .command('diff')
    .description('what a session changed: its checkpoint against the working tree now (git diff)')
    .argument('<id>', 'session id or a unique prefix of it')
    .option('--stat', 'a summary per file instead of the whole diff')
    .action(async (id: string, flags: SessionsDiffFlags) => {
      const { sessionsDiffCommand } = await import('./commands/sessions-diff.js');
      await execute(() => sessionsDiffCommand(id, flags), {});
    });
  program
    .command('undo')
    .description("put the project's files back as they were before a session changed them")
    .argument(
      '[session]',
      'session id or a unique prefix (default: the latest session of this project with a checkpoint)',
    )
    .option('-C, --cwd <dir>', 'the project directory (default: the current one)')
    .option('--dry-run', 'list what would change, and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--redo', 'put back the working tree the last undo of the session replaced')
    .addHelpText(
      'after',
      '\nFiles the session created are deleted, changed ones restored, deleted ones recreated,\n' +
        "byte for byte with their executable bit. Git's index, HEAD and branches are not touched,\n" +
        'and ignored files are left as they are. The tree it replaces is saved first: --redo puts\n' +
        'it back.',
    )
    .action(async (session: string | undefined, flags: UndoFlags) => {
      const { undoCommand } = await import('./commands/undo.js');
      await execute(() => undoCommand(session, flags), {});
    });
}
