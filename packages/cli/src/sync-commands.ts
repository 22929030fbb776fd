import type { Command } from 'commander';
import type { SyncExportFlags, SyncImportFlags } from './commands/sync.js';

/**
 * `outpost sync …`, registered by the composition root (`main.ts`), which passes its `execute`.
 * Only argument parsing lives here; the command module loads when a sync command runs.
 */

type Execute = (command: () => Promise<number>, flags: { json?: boolean }) => Promise<void>;

export function addSyncCommands(program: Command, execute: Execute): void {
  const sync = program
    .command('sync')
    .description('move the store between machines on a file (a USB stick), without any hub');
  sync
    .command('export')
    .description('write the ops other devices may have to FILE, with the cursor they end at')
    .argument('<file>', 'the file to write (replaced whole)')
    .option(
      '--since <cursor>',
      'only ops newer than this cursor (as sync import or export printed it)',
    )
    .option('--json', 'the result as one JSON object')
    .action(async (file: string, flags: SyncExportFlags) => {
      const { syncExportCommand } = await import('./commands/sync.js');
      await execute(() => syncExportCommand(file, flags), flags);
    });
  sync
    .command('import')
    .description('merge a file from sync export: checked whole first, all or nothing')
    .argument('<file>', 'a file written by outpost sync export')
    .option(
      '--max-clock-skew <seconds>',
      'refuse timestamps further ahead of this clock (default: sync.maxClockSkewSeconds in the config, else 300)',
    )
    .option('--json', 'the summary as one JSON object')
    .action(async (file: string, flags: SyncImportFlags) => {
      const { syncImportCommand } = await import('./commands/sync.js');
      await execute(() => syncImportCommand(file, flags), flags);
    });
}
