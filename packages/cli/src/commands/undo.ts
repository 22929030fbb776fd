import { changedBeforeCheckpoint, lastUndoOf } from '@outpost/core';
import type { RecordedCheckpoint, RestorePlan, TreeChange } from '@outpost/core';
import { processTerminal, terminalView } from '../agent-session.js';
import { createLineReader } from '../input/line-reader.js';
import { formatDateTime } from '../render/session-format.js';
import { colorEnabled, createStyle } from '../render/style.js';
import type { Style } from '../render/style.js';
import { openLocalStore, resolveProjectRoot } from '../runtime.js';
import { oneLine } from '../text.js';
import { UsageError } from '../usage-error.js';
import {
  checkpointsOf,
  latestSessionWithCheckpoint,
  sessionsCheckpointedSince,
  sessionWithCheckpoint,
  targetOf,
} from './session-checkpoint.js';
import type { SessionWithCheckpoint } from './session-checkpoint.js';

export interface UndoFlags {
  cwd?: string;
  yes?: boolean;
  dryRun?: boolean;
  redo?: boolean;
}

/** Most changed files listed one per line; the rest are counted. */
const LISTED_CHANGES = 200;

/**
 * `outpost undo [SESSION]` (docs/architecture/checkpoints.md): puts the session's project back
 * to its checkpoint — the working tree just before the session's first change — byte for byte,
 * without touching git's index, HEAD or branches. The tree it replaces is saved first, so
 * `outpost undo SESSION --redo` puts that back. Lists what it will change, then asks on a
 * terminal; `--yes` skips the question, `--dry-run` only lists.
 */
export async function undoCommand(
  idOrPrefix: string | undefined,
  flags: UndoFlags,
): Promise<number> {
  const terminal = processTerminal();
  // Styled for the stream it goes to: the plan to stdout, notes and the question to stderr.
  const style = createStyle(colorEnabled(terminal.stdout, terminal.env));
  const { style: errorStyle } = terminalView(terminal);
  const store = openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
  try {
    const found =
      idOrPrefix === undefined
        ? latestSessionWithCheckpoint(store, await resolveProjectRoot(flags.cwd ?? process.cwd()))
        : sessionWithCheckpoint(store, idOrPrefix);
    const { session, events } = found;
    const short = session.id.slice(0, 8);
    const reason = flags.redo === true ? 'redo' : 'undo';
    const target = reason === 'redo' ? lastUndoOf(events) : found.checkpoint;
    if (target === undefined) {
      throw new UsageError(
        `Session ${short} has not been undone, so there is nothing to redo. Undo it: outpost undo ${short}`,
      );
    }
    const checkpoints = checkpointsOf(session, terminal.env);
    const plan = await checkpoints.plan(targetOf(target));
    const out = terminal.stdout;
    out.write(`${describeTarget(found, target, reason, style)}\n`);
    if (plan.changes.length === 0) {
      out.write('The working tree already matches it: nothing to change.\n');
      return 0;
    }
    out.write(formatPlan(plan.changes, style));
    const later =
      reason === 'undo' ? sessionsCheckpointedSince(store, session, target.event.time) : [];
    for (const note of notesFor(found, plan, reason, later)) {
      terminal.stderr.write(`${errorStyle.yellow(note)}\n`);
    }
    if (flags.dryRun === true) {
      out.write(
        style.dim(
          `Nothing was changed (--dry-run). To do it: outpost undo ${short}${reason === 'redo' ? ' --redo' : ''}\n`,
        ),
      );
      return 0;
    }
    if (flags.yes !== true && !(await confirm(terminal, plan.changes.length, errorStyle))) {
      terminal.stderr.write('Nothing was changed.\n');
      return 1;
    }

    const outcome = await checkpoints.restore(targetOf(target), { sessionId: session.id, reason });
    if (outcome.event !== undefined) store.sessions.appendEvent(session.id, outcome.event);
    const { written, deleted, failures } = outcome.result;
    out.write(
      `${style.green('✓')} ${plural(written, 'file')} written, ${deleted} deleted.` +
        (outcome.event?.ref === undefined || outcome.event.ref === null
          ? '\n'
          : ` The tree it replaced is kept as ${outcome.event.ref}.\n`),
    );
    out.write(
      reason === 'undo'
        ? `To put that back: outpost undo ${short} --redo\n`
        : `To go back to the checkpoint again: outpost undo ${short}\n`,
    );
    if (failures.length === 0) return 0;
    terminal.stderr.write(
      errorStyle.red(`${plural(failures.length, 'file')} could not be put back:\n`),
    );
    for (const failure of failures) {
      terminal.stderr.write(`  ${failure.path}: ${failure.message}\n`);
    }
    return 1;
  } finally {
    store.close();
  }
}

function describeTarget(
  found: SessionWithCheckpoint,
  target: RecordedCheckpoint,
  reason: 'undo' | 'redo',
  style: Style,
): string {
  const { session } = found;
  const title = oneLine(session.title, 60);
  const when = formatDateTime(target.event.time, true);
  const commit = style.dim(target.data.commit.slice(0, 10));
  const what =
    reason === 'undo'
      ? `the working tree as it was before the session changed it (${when}, ${commit})`
      : `the working tree the last undo replaced (${when}, ${commit})`;
  return `${style.bold(`Session ${session.id.slice(0, 8)}`)} ${title === '' ? '' : `"${title}" `}— putting back ${what}:`;
}

/** One line per file, `git status`-like, then the counts. */
export function formatPlan(changes: readonly TreeChange[], style: Style): string {
  const label = (kind: TreeChange['kind']) => {
    const text = kind.padEnd(9);
    return kind === 'restore'
      ? style.yellow(text)
      : kind === 'recreate'
        ? style.green(text)
        : style.red(text);
  };
  const lines = changes
    .slice(0, LISTED_CHANGES)
    .map((change) => `  ${label(change.kind)} ${change.path}`);
  if (changes.length > LISTED_CHANGES)
    lines.push(`  … and ${changes.length - LISTED_CHANGES} more`);
  const count = (kind: TreeChange['kind']) =>
    changes.filter((change) => change.kind === kind).length;
  lines.push(
    `${plural(changes.length, 'file')}: ${count('restore')} restored, ` +
      `${count('recreate')} recreated, ${count('delete')} deleted.`,
  );
  return `${lines.join('\n')}\n`;
}

function notesFor(
  found: SessionWithCheckpoint,
  plan: RestorePlan,
  reason: 'undo' | 'redo',
  /** Sessions of the project checkpointed after this one: their changes go too. */
  later: readonly string[],
): string[] {
  const notes: string[] = [];
  if (later.length > 0) {
    notes.push(
      `Later sessions changed this project too (${later.map((id) => id.slice(0, 8)).join(', ')}): ` +
        'their changes are taken back as well.',
    );
  }
  if (plan.headMoved !== undefined) {
    const { then, now } = plan.headMoved;
    notes.push(
      `HEAD moved since then (${then === undefined ? 'no commit' : then.slice(0, 10)} → ` +
        `${now === undefined ? 'no commit' : now.slice(0, 10)}): files are put back, commits stay.` +
        (then === undefined
          ? ''
          : ` git reset --soft ${then.slice(0, 10)} would move the branch back too.`),
    );
  }
  if (reason === 'undo' && changedBeforeCheckpoint(found.events, found.checkpoint)) {
    notes.push(
      'The session changed files before this checkpoint (its first attempt failed); those changes stay.',
    );
  }
  if (plan.leftOut.length > 0) {
    notes.push(
      `Left as they are (too large or unreadable, not in the checkpoint): ${plan.leftOut.slice(0, 10).join(', ')}` +
        (plan.leftOut.length > 10 ? ` and ${plan.leftOut.length - 10} more` : ''),
    );
  }
  return notes;
}

/** Asks on a terminal; elsewhere nobody can answer, so the user is told to pass --yes. */
async function confirm(
  terminal: ReturnType<typeof processTerminal>,
  count: number,
  style: Style,
): Promise<boolean> {
  if (terminal.stdin.isTTY !== true) {
    throw new UsageError(
      'outpost undo changes files: confirm with --yes (or see what it would change with --dry-run).',
    );
  }
  const reader = createLineReader(terminal.stdin, terminal.stderr);
  try {
    const answer = await reader.question(
      `${style.yellow('?')} Change ${plural(count, 'file')} as listed? [y/N] `,
    );
    return /^y(es)?$/i.test((answer ?? '').trim());
  } finally {
    reader.close();
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
