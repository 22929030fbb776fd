import type { MemoryRecord } from '@outpost/core';
import { oneLine } from '../text.js';
import { formatDateTime } from './session-format.js';
import type { Style } from './style.js';

/** Widths of the `memory list` columns after the id. */
const statusWidth = 9;
const kindWidth = 10;

function colorStatus(status: string, style: Style): string {
  const padded = status.padEnd(statusWidth);
  if (status === 'accepted') return style.green(padded);
  if (status === 'proposed') return style.yellow(padded);
  return style.dim(padded);
}

/** One line per record: id (a unique prefix), status, kind, title, and `conflicted` if it is. */
export function formatMemoryLine(
  record: MemoryRecord,
  shortId: string,
  idWidth: number,
  style: Style,
): string {
  return [
    style.bold(shortId.padEnd(idWidth)),
    colorStatus(record.status, style),
    record.kind.padEnd(kindWidth),
    oneLine(record.title, 100),
    ...(record.conflicted ? [style.yellow('[conflicted]')] : []),
    ...(record.deleted ? [style.dim('[deleted]')] : []),
  ].join('  ');
}

/** A rules file of the project, listed after the records: read-only, edited as a file. */
export function formatRulesFileLine(path: string, idWidth: number, style: Style): string {
  return style.dim(
    ['file'.padEnd(idWidth), 'read-only'.padEnd(statusWidth), 'rules'.padEnd(kindWidth), path].join(
      '  ',
    ),
  );
}

const none = '(none)';

/**
 * Every field of a record, provenance and links included, its conflicts (`formatConflicts`) if
 * any, then its body.
 */
export function formatMemoryDetail(
  record: MemoryRecord,
  style: Style,
  conflicts: readonly string[] = [],
): string {
  const { provenance } = record;
  const fields: [string, string][] = [
    ['id', record.id],
    ['kind', record.kind],
    ['status', colorStatus(record.status, style).trimEnd()],
    ['tags', record.tags.join(', ') || none],
    ['paths', record.paths.join(', ') || none],
    ['links', record.links.map((link) => `${link.type} ${link.id}`).join(', ') || none],
    ['created', formatDateTime(provenance.createdAt, true)],
    ['user', provenance.user],
    ['device', provenance.device],
    ['session', provenance.session ?? none],
    ['model', provenance.model ?? none],
    ['updated', formatDateTime(record.updatedAt, true)],
    ...(record.deleted
      ? [['deleted', 'yes (outpost memory restore brings it back)'] as [string, string]]
      : []),
  ];
  return [
    style.bold(record.title),
    '',
    ...fields.map(([name, value]) => `${style.dim(name.padEnd(8))}  ${value}`),
    ...(conflicts.length === 0 ? [] : ['', ...conflicts]),
    '',
    record.body,
  ].join('\n');
}
