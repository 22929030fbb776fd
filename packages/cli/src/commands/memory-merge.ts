import { shortMemoryId } from '@outpost/core';
import { terminalView } from '../agent-session.js';
import { formatConflicts } from '../render/conflict-format.js';
import { formatMemoryDetail } from '../render/memory-format.js';
import { UsageError } from '../usage-error.js';
import { printRecord, withProjectMemory, type MemoryFlags } from './memory.js';
import { choiceArgument } from './project-records.js';

/**
 * `outpost memory show` and `outpost memory pick`: a record with what sync left open in it — the
 * values of a field written concurrently on two devices — and picking one of them, which is an
 * op like any edit (docs/architecture/sync.md, "Conflicts").
 */

/** `outpost memory show ID`: every field, the conflicts if any, then the body. Deleted ones too. */
export async function showMemoryCommand(idOrPrefix: string, flags: MemoryFlags) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const id = memory.resolveId(idOrPrefix, { includeDeleted: true });
    const record = memory.get(id, { includeDeleted: true });
    if (record === undefined) throw new UsageError(`No memory record matches "${idOrPrefix}".`);
    const conflicts = memory.conflicts(id);
    if (flags.json === true) {
      terminal.stdout.write(`${JSON.stringify({ ...record, conflicts })}\n`);
      return 0;
    }
    const { style } = terminalView(terminal);
    const shortId = record.deleted ? id : shortMemoryId(memory, id);
    const lines = formatConflicts(conflicts, {
      pickCommand: `outpost memory pick ${shortId}`,
      style,
    });
    terminal.stdout.write(`${formatMemoryDetail(record, style, lines)}\n`);
    return 0;
  });
}

/** `outpost memory pick ID FIELD N`: keeps value N of a conflicted field, as a new op. */
export async function pickMemoryCommand(
  idOrPrefix: string,
  field: string,
  choice: string,
  flags: MemoryFlags,
) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const record = memory.pick(memory.resolveId(idOrPrefix), field, choiceArgument(choice));
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(record)}\n`);
    else printRecord(terminal, memory, record, `Kept value ${choice} of ${field}:`);
    return 0;
  });
}
