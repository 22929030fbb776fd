import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  ClockSkewError,
  formatSyncCursor,
  parseSyncCursor,
  SyncFileError,
  type Store,
  type SyncConflict,
  type SyncImportSummary,
} from '@outpost/core';
import { processTerminal, type Terminal } from '../agent-session.js';
import { loadSettings, openLocalStore } from '../runtime.js';
import { UsageError } from '../usage-error.js';

/** `outpost sync export|import` (docs/architecture/sync.md): the op log on a USB stick. */

export interface SyncExportFlags {
  since?: string;
  json?: boolean;
}

export interface SyncImportFlags {
  maxClockSkew?: string;
  json?: boolean;
}

/**
 * Opens the store and runs `work`. A bad file, a bad cursor or a clock too far apart is the
 * user's to fix: exit code 2, one line, nothing written.
 */
function withStore(
  options: { maxClockSkewMs?: number },
  work: (store: Store, terminal: Terminal) => number,
): number {
  const terminal = processTerminal();
  const store = openLocalStore(
    terminal.env,
    (warning) => terminal.stderr.write(`${warning}\n`),
    options,
  );
  try {
    return work(store, terminal);
  } catch (error) {
    if (SyncFileError.isInstance(error) || ClockSkewError.isInstance(error)) {
      throw new UsageError(`sync file refused, nothing was changed: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    store.close();
  }
}

/** `outpost sync export FILE [--since CURSOR]`: written to a temporary file, then renamed. */
export function syncExportCommand(file: string, flags: SyncExportFlags): Promise<number> {
  const since = flags.since === undefined ? undefined : parseCursorFlag(flags.since);
  return Promise.resolve(
    withStore({}, (store, terminal) => {
      const exported = store.sync.export(since === undefined ? {} : { since });
      writeAtomically(file, exported.text);
      const cursor = formatSyncCursor(exported.header.cursor);
      if (flags.json === true) {
        terminal.stdout.write(
          `${JSON.stringify({ type: 'sync.exported', file, opCount: exported.header.opCount, kinds: exported.kinds, since: flags.since ?? null, cursor })}\n`,
        );
        return 0;
      }
      const { opCount } = exported.header;
      const kinds = formatCounts(exported.kinds);
      terminal.stdout.write(
        `Wrote ${plural(opCount, 'op')}${kinds === '' ? '' : ` (${kinds})`} to ${file}` +
          `${since === undefined ? '' : ', only those newer than the cursor given'}.\n` +
          `Cursor: ${cursor}\n`,
      );
      return 0;
    }),
  );
}

/** `outpost sync import FILE`: all or nothing, then a summary of what changed. */
export function syncImportCommand(file: string, flags: SyncImportFlags): Promise<number> {
  // The flag beats the config file's `sync.maxClockSkewSeconds`; without either, the store's 300 s.
  const flagSkewMs = parseSkewFlag(flags.maxClockSkew);
  const configuredSeconds = loadSettings(processTerminal().env).config.sync?.maxClockSkewSeconds;
  const maxClockSkewMs =
    flagSkewMs ?? (configuredSeconds === undefined ? undefined : configuredSeconds * 1000);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return Promise.resolve(
    withStore(maxClockSkewMs === undefined ? {} : { maxClockSkewMs }, (store, terminal) => {
      const summary = store.sync.import(text);
      if (flags.json === true) {
        terminal.stdout.write(
          `${JSON.stringify({ type: 'sync.imported', file, ...summary, cursor: formatSyncCursor(summary.cursor) })}\n`,
        );
        return 0;
      }
      terminal.stdout.write(formatSummary(file, summary));
      return 0;
    }),
  );
}

function formatSummary(file: string, summary: SyncImportSummary): string {
  const lines = [
    `Imported ${file} from device ${summary.from}: ${plural(summary.received, 'op')}, ` +
      `${summary.added} new, ${summary.alreadyPresent} already here.`,
  ];
  if (summary.added > 0) {
    const applied = formatCounts(summary.applied);
    lines.push(
      `Applied: ${applied === '' ? 'nothing' : applied}` +
        (summary.superseded > 0 ? `; ${summary.superseded} older values kept in history` : '') +
        (summary.ignored > 0
          ? `; ${summary.ignored} of kinds this version does not know kept`
          : '') +
        '.',
    );
  }
  if (summary.conflicts.length > 0) {
    lines.push(
      `Conflicts: ${summary.conflicts.length} (concurrent edits; each field keeps one value, the others are in its field history):`,
    );
    for (const conflict of summary.conflicts) {
      const winner = conflict.result === 'won' ? 'the imported value' : "this store's value";
      lines.push(
        `  ${conflict.kind} ${conflict.record} ${conflict.field}: ${winner} is kept ` +
          `(${keptBecause[conflict.rule]})`,
      );
    }
  }
  lines.push(`Cursor: ${formatSyncCursor(summary.cursor)}`);
  return `${lines.join('\n')}\n`;
}

/** Why a conflict's kept value won, by the field's merge rule (`SyncConflict.rule`). */
const keptBecause: Record<SyncConflict['rule'], string> = {
  'last-writer-wins': 'the later write',
  rank: 'by rank: the later epoch, then done or failed over an open state, then the later write',
};

/** Writes `file` whole or not at all: a temporary file beside it, then a rename. */
function writeAtomically(file: string, text: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`Cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function parseCursorFlag(text: string) {
  try {
    return parseSyncCursor(text);
  } catch (error) {
    if (SyncFileError.isInstance(error)) {
      throw new UsageError(`--since: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function parseSkewFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isInteger(seconds) || seconds < 0) {
    throw new UsageError(`--max-clock-skew must be a whole number of seconds, not "${text}".`);
  }
  return seconds * 1000;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
