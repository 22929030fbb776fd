import { writtenPathsOf } from '@outpost/core';
import { processTerminal, terminalView } from '../agent-session.js';
import { formatDateTime } from '../render/session-format.js';
import { colorEnabled } from '../render/style.js';
import { openLocalStore } from '../runtime.js';
import { checkpointsOf, sessionWithCheckpoint, targetOf } from './session-checkpoint.js';

export interface SessionsDiffFlags {
  stat?: boolean;
}

/** Most paths named in the note about changes the session's own edits did not make. */
const NAMED_PATHS = 10;

/**
 * `outpost sessions diff ID [--stat]`: `git diff` from the session's checkpoint (the working tree
 * just before its first change) to the working tree now — exactly what `outpost undo` would take
 * back. Every difference is shown, not only the files the session's edits wrote: a command it
 * ran may have changed others. Those, and any the user changed since, are named on stderr.
 */
export async function sessionsDiffCommand(
  idOrPrefix: string,
  flags: SessionsDiffFlags,
): Promise<number> {
  const terminal = processTerminal();
  const { style } = terminalView(terminal);
  const store = openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
  try {
    const { session, events, checkpoint } = sessionWithCheckpoint(store, idOrPrefix);
    const short = session.id.slice(0, 8);
    const checkpoints = checkpointsOf(session, terminal.env);
    const diff = await checkpoints.diff(targetOf(checkpoint), {
      stat: flags.stat === true,
      color: colorEnabled(terminal.stdout, terminal.env),
    });
    const when = formatDateTime(checkpoint.event.time, true);
    if (diff.changes.length === 0) {
      terminal.stderr.write(
        `No differences: the working tree matches session ${short}'s checkpoint (${when}).\n`,
      );
      return 0;
    }
    terminal.stderr.write(
      style.dim(
        `Session ${short}: from its checkpoint (${when}, before its first change) to the working tree now.\n`,
      ),
    );
    terminal.stdout.write(diff.text);
    const written = writtenPathsOf(events);
    const others = diff.changes.map((change) => change.path).filter((path) => !written.has(path));
    if (others.length > 0) {
      const named = others.slice(0, NAMED_PATHS).join(', ');
      const more = others.length > NAMED_PATHS ? ` and ${others.length - NAMED_PATHS} more` : '';
      terminal.stderr.write(
        style.dim(
          `Not written by the session's file edits (a command it ran, or a change since): ${named}${more}.\n`,
        ),
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
