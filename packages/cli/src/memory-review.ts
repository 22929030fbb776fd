import { MemoryError, shortMemoryId } from '@outpost/core';
import type { AgentEvent, MemoryRecord, MemoryStore, ReflectionResult } from '@outpost/core';
import type { LineReader } from './input/line-reader.js';
import type { Style } from './render/style.js';
import { oneLine } from './text.js';

/** What settling or reviewing a reflection's proposals needs of the session. */
export interface ProposalOutput {
  memory: MemoryStore;
  sessionId: string;
  stderr: NodeJS.WritableStream;
  style: Style;
  /** `--json`: no text, only `memory.reviewed` events. */
  json: boolean;
  /** To the session's renderer: `memory.reviewed` for each record accepted or discarded. */
  announce: (event: AgentEvent) => void;
}

/**
 * After an unattended run (`outpost run`, `sessions resume`): with `--auto-accept-memory` the
 * proposals are accepted, else they stay `proposed` and the user is told how to review them.
 * A reflection that failed or dropped proposals says so in one line; the run's exit code is not
 * affected.
 */
export function settleProposals(
  reflection: ReflectionResult,
  options: ProposalOutput & { autoAccept: boolean },
): void {
  const { memory, stderr, style } = options;
  reportTrouble(reflection, options);
  if (reflection.proposed.length === 0) return;
  const records = options.autoAccept
    ? reflection.proposed.map((record) => accept(record.id, options))
    : reflection.proposed;
  if (options.json) return;
  const count = `${records.length} memory record${records.length === 1 ? '' : 's'}`;
  stderr.write(
    options.autoAccept
      ? `Remembered ${count} for later sessions (--auto-accept-memory):\n`
      : `Proposed ${count}; later sessions use ${records.length === 1 ? 'it' : 'them'} once accepted:\n`,
  );
  for (const record of records) stderr.write(`${recordLine(record, memory, style)}\n`);
  if (!options.autoAccept) {
    stderr.write(
      style.dim(
        'Review them: outpost memory list --status proposed · memory accept ID · memory edit ID · memory retire ID\n',
      ),
    );
  }
}

/**
 * Interactive use: shows each proposal and asks to accept, edit (then accept), discard (retire)
 * or leave it for later (it stays `proposed`). End of input leaves the rest for later.
 */
export async function reviewProposals(
  reflection: ReflectionResult,
  options: ProposalOutput & { reader: LineReader },
): Promise<void> {
  const { memory, stderr, style, reader } = options;
  reportTrouble(reflection, options);
  const total = reflection.proposed.length;
  for (const [index, proposal] of reflection.proposed.entries()) {
    let record = proposal;
    stderr.write(
      `${style.bold(`Proposed memory ${index + 1} of ${total}`)} (${record.kind}): ${record.title}\n`,
    );
    stderr.write(`${style.dim(indentBody(record))}\n`);
    for (;;) {
      const answer = await reader.question(
        `${style.yellow('?')} [a]ccept, [e]dit, [d]iscard, or [l]ater (stays proposed): `,
      );
      const choice = (answer ?? 'l').trim().toLowerCase().slice(0, 1);
      if (choice === 'a') {
        accept(record.id, options);
        stderr.write(`  ${style.green('✓')} remembered ${shortMemoryId(memory, record.id)}\n`);
        break;
      }
      if (choice === 'd') {
        memory.setStatus(record.id, 'retired');
        options.announce({
          type: 'memory.reviewed',
          sessionId: options.sessionId,
          recordId: record.id,
          status: 'retired',
          edited: false,
        });
        stderr.write(`  discarded\n`);
        break;
      }
      if (choice === 'l' || answer === undefined) {
        stderr.write(
          style.dim(`  left proposed: outpost memory accept ${shortMemoryId(memory, record.id)}\n`),
        );
        break;
      }
      if (choice === 'e') {
        const edited = await edit(record, options);
        if (edited === undefined) continue;
        record = edited;
        accept(record.id, options, true);
        stderr.write(
          `  ${style.green('✓')} remembered ${shortMemoryId(memory, record.id)} (edited)\n`,
        );
        break;
      }
      stderr.write('Please answer a, e, d or l.\n');
    }
  }
}

/** Asks for a new title and body (Enter keeps each); undefined when the store refuses them. */
async function edit(
  record: MemoryRecord,
  options: ProposalOutput & { reader: LineReader },
): Promise<MemoryRecord | undefined> {
  const title = (await options.reader.question(`  Title (Enter keeps it): `))?.trim() ?? '';
  const body = (await options.reader.question(`  Body (Enter keeps it): `))?.trim() ?? '';
  try {
    return options.memory.update(record.id, {
      ...(title === '' ? {} : { title }),
      ...(body === '' ? {} : { body }),
    });
  } catch (error) {
    // The store names what is wrong with the edit; the question is asked again.
    if (!MemoryError.isInstance(error)) throw error;
    options.stderr.write(`  ${options.style.red(error.message)}\n`);
    return undefined;
  }
}

function accept(id: string, options: ProposalOutput, edited = false): MemoryRecord {
  const record = options.memory.setStatus(id, 'accepted');
  options.announce({
    type: 'memory.reviewed',
    sessionId: options.sessionId,
    recordId: id,
    status: 'accepted',
    edited,
  });
  return record;
}

/** A failed reflection or dropped proposals, in one dim line each (nothing for `--json`). */
function reportTrouble(reflection: ReflectionResult, options: ProposalOutput): void {
  if (options.json) return;
  const { stderr, style } = options;
  if (reflection.error !== undefined) {
    stderr.write(style.yellow(`Nothing proposed to remember: ${oneLine(reflection.error, 160)}\n`));
  }
  if (reflection.dropped.length > 0) {
    const count = reflection.dropped.length;
    stderr.write(
      style.dim(
        `${count} proposal${count === 1 ? '' : 's'} to remember dropped (${oneLine(reflection.dropped[0] ?? '', 100)}${count > 1 ? ' …' : ''}); outpost sessions show ${options.sessionId.slice(0, 8)} lists why.\n`,
      ),
    );
  }
}

function recordLine(record: MemoryRecord, memory: MemoryStore, style: Style): string {
  return `  ${style.bold(record.kind.padEnd(10))} ${oneLine(record.title, 90)}  ${style.dim(shortMemoryId(memory, record.id))}`;
}

function indentBody(record: MemoryRecord): string {
  const lines = record.body.split('\n').map((line) => `  ${line}`);
  if (record.paths.length > 0) lines.push(`  paths: ${record.paths.join(', ')}`);
  return lines.join('\n');
}
