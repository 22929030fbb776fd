import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatMemoryMarkdown,
  MEMORY_KINDS,
  MEMORY_STATUSES,
  MemoryError,
  parseMemoryMarkdown,
  PROJECT_RULE_FILES,
  shortMemoryId,
} from '@outpost/core';
import type {
  MemoryDraft,
  MemoryKind,
  MemoryPatch,
  MemoryRecord,
  MemoryStatus,
  MemoryStore,
} from '@outpost/core';
import { terminalView } from '../agent-session.js';
import type { Terminal } from '../agent-session.js';
import { formatMemoryLine, formatRulesFileLine } from '../render/memory-format.js';
import { UsageError } from '../usage-error.js';
import { linksFlag, listFlag, withProjectRecords } from './project-records.js';

/** `outpost memory …` (docs/architecture/memory.md): the project memory of the current project. */

export interface MemoryFlags {
  cwd?: string;
  json?: boolean;
}

export interface MemoryFieldFlags extends MemoryFlags {
  kind?: string;
  title?: string;
  body?: string;
  tags?: string[];
  paths?: string[];
  link?: string[];
}

export interface ListMemoryFlags extends MemoryFlags {
  status?: string;
  kind?: string;
}

export interface SearchMemoryFlags extends MemoryFlags {
  status?: string;
  limit?: string;
  paths?: string[];
  symbols?: string[];
}

export interface ExportMemoryFlags extends MemoryFlags {
  output?: string;
  status?: string;
}

interface ProjectMemory {
  terminal: Terminal;
  memory: MemoryStore;
  projectRoot: string;
}

/**
 * Runs `work` on the memory of the project around `--cwd` (`withProjectRecords`): a record the
 * store refuses is exit code 2, like other usage errors.
 */
export function withProjectMemory(
  flags: MemoryFlags,
  work: (project: ProjectMemory) => number,
): Promise<number> {
  return withProjectRecords(flags, ({ terminal, store, projectRoot, commitExists }) =>
    work({ terminal, memory: store.memory({ projectRoot, commitExists }), projectRoot }),
  );
}

/** `--body -` reads the body from standard input. */
function bodyFlag(body: string | undefined): string | undefined {
  return body === '-' ? readFileSync(0, 'utf8') : body;
}

function parseStatuses(value: string | undefined, fallback: readonly MemoryStatus[]) {
  if (value === undefined) return fallback;
  if (value === 'all') return MEMORY_STATUSES;
  return (listFlag([value]) ?? []).map((status) => {
    if (!(MEMORY_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(
        `Unknown status "${status}". Use one of: ${MEMORY_STATUSES.join(', ')}, or all.`,
      );
    }
    return status as MemoryStatus;
  });
}

/** Prints records one per line, with ids cut to the shortest unique prefix. */
function printRecords(
  terminal: Terminal,
  memory: MemoryStore,
  records: readonly MemoryRecord[],
  prefix: (record: MemoryRecord) => string = () => '',
): void {
  const { style } = terminalView(terminal);
  const ids = records.map((record) => shortMemoryId(memory, record.id));
  const width = Math.max(8, ...ids.map((id) => id.length));
  records.forEach((record, index) => {
    const line = formatMemoryLine(record, ids[index] ?? record.id, width, style);
    terminal.stdout.write(`${prefix(record)}${line}\n`);
  });
}

export function printRecord(
  terminal: Terminal,
  memory: MemoryStore,
  record: MemoryRecord,
  verb: string,
) {
  const { style } = terminalView(terminal);
  // A deleted record is named by a prefix that `restore` (which looks at deleted ones) resolves.
  const resolveId = (prefix: string) =>
    memory.resolveId(prefix, { includeDeleted: record.deleted });
  const id = shortMemoryId({ resolveId }, record.id);
  terminal.stdout.write(`${verb} ${formatMemoryLine(record, id, id.length, style)}\n`);
}

/** `outpost memory add`: one record from flags (accepted), or every record of an export. */
export async function addMemoryCommand(flags: MemoryFieldFlags & { file?: string }) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    if (flags.file !== undefined) {
      const others = ['kind', 'title', 'body', 'tags', 'paths', 'link'] as const;
      const given = others.filter((name) => flags[name] !== undefined);
      if (given.length > 0) {
        throw new UsageError(
          `--file imports whole records; leave out --${given.join(', --')}, or drop --file.`,
        );
      }
      const records = importRecords(memory, flags.file);
      if (flags.json === true) {
        for (const record of records) terminal.stdout.write(`${JSON.stringify(record)}\n`);
        return 0;
      }
      terminal.stdout.write(
        `Imported ${records.length} record${records.length === 1 ? '' : 's'} from ${flags.file}:\n`,
      );
      printRecords(terminal, memory, records);
      return 0;
    }
    const draft = {
      kind: flags.kind as MemoryKind,
      title: flags.title as string,
      body: bodyFlag(flags.body) as string,
      ...optionalLists(flags),
      status: 'accepted',
    } satisfies MemoryDraft;
    const record = memory.add(draft);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(record)}\n`);
    else printRecord(terminal, memory, record, 'Added');
    return 0;
  });
}

function optionalLists(flags: MemoryFieldFlags): Pick<MemoryPatch, 'tags' | 'paths' | 'links'> {
  const tags = listFlag(flags.tags);
  const paths = listFlag(flags.paths);
  const links = linksFlag(flags.link);
  return {
    ...(tags === undefined ? {} : { tags }),
    ...(paths === undefined ? {} : { paths }),
    ...(links === undefined ? {} : { links }),
  };
}

/** Every record of `file`, or none: a problem anywhere names the file and imports nothing. */
function importRecords(memory: MemoryStore, file: string): MemoryRecord[] {
  const drafts = readExport(file);
  try {
    return memory.addAll(drafts);
  } catch (error) {
    if (!MemoryError.isInstance(error)) throw error;
    throw new UsageError(`${file}: ${error.problems.join('; ')}. Nothing was imported.`, {
      cause: error,
    });
  }
}

function readExport(file: string): MemoryDraft[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseMemoryMarkdown(text);
  } catch (error) {
    if (!MemoryError.isInstance(error)) throw error;
    throw new UsageError(`${file}: ${error.problems.join('; ')}. Nothing was imported.`, {
      cause: error,
    });
  }
}

/** `outpost memory list`: one line per record, newest change first, then the rules files. */
export async function listMemoryCommand(flags: ListMemoryFlags) {
  return withProjectMemory(flags, ({ terminal, memory, projectRoot }) => {
    const statuses = parseStatuses(flags.status, MEMORY_STATUSES);
    const kinds = listFlag(flags.kind === undefined ? undefined : [flags.kind])?.map((kind) => {
      if (!(MEMORY_KINDS as readonly string[]).includes(kind)) {
        throw new UsageError(`Unknown kind "${kind}". Use one of: ${MEMORY_KINDS.join(', ')}.`);
      }
      return kind as MemoryKind;
    });
    const records = memory.list({ statuses, ...(kinds === undefined ? {} : { kinds }) });
    const rules = rulesFiles(projectRoot);
    if (flags.json === true) {
      for (const record of records) terminal.stdout.write(`${JSON.stringify(record)}\n`);
      for (const file of rules) {
        terminal.stdout.write(
          `${JSON.stringify({ type: 'rules-file', ...file, readOnly: true })}\n`,
        );
      }
      return 0;
    }
    if (records.length === 0) {
      terminal.stderr.write(
        `No memory records for ${projectRoot}${flags.status === undefined ? '' : ' with that status'}. ` +
          'Add one: outpost memory add --kind convention --title "…" --body "…"\n',
      );
    }
    printRecords(terminal, memory, records);
    const { style } = terminalView(terminal);
    const width = Math.max(8, ...records.map((record) => shortMemoryId(memory, record.id).length));
    for (const file of rules)
      terminal.stdout.write(`${formatRulesFileLine(file.path, width, style)}\n`);
    return 0;
  });
}

/** The project's rules files (what every session follows), which memory shows but never edits. */
function rulesFiles(projectRoot: string): { path: string; bytes: number }[] {
  return PROJECT_RULE_FILES.flatMap((path) => {
    try {
      const stats = statSync(join(projectRoot, path));
      return stats.isFile() ? [{ path, bytes: stats.size }] : [];
    } catch {
      // No such file: the project has no rules of that name.
      return [];
    }
  });
}

/** `outpost memory edit ID`: changes the fields given, keeps the rest. */
export async function editMemoryCommand(idOrPrefix: string, flags: MemoryFieldFlags) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const body = bodyFlag(flags.body);
    const patch: MemoryPatch = {
      ...(flags.title === undefined ? {} : { title: flags.title }),
      ...(body === undefined ? {} : { body }),
      ...(flags.kind === undefined ? {} : { kind: flags.kind as MemoryKind }),
      ...optionalLists(flags),
    };
    if (Object.keys(patch).length === 0) {
      throw new UsageError(
        'Nothing to change: give --title, --body, --kind, --tags, --paths or --link.',
      );
    }
    const record = memory.update(memory.resolveId(idOrPrefix), patch);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(record)}\n`);
    else printRecord(terminal, memory, record, 'Updated');
    return 0;
  });
}

/** `outpost memory accept ID` and `outpost memory retire ID`. */
export async function setMemoryStatusCommand(
  idOrPrefix: string,
  status: 'accepted' | 'retired',
  flags: MemoryFlags,
) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const record = memory.setStatus(memory.resolveId(idOrPrefix), status);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(record)}\n`);
    else printRecord(terminal, memory, record, status === 'accepted' ? 'Accepted' : 'Retired');
    return 0;
  });
}

/** `outpost memory delete ID` (a tombstone: hidden, kept) and `outpost memory restore ID`. */
export async function deleteMemoryCommand(
  idOrPrefix: string,
  action: 'delete' | 'restore',
  flags: MemoryFlags,
) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const id = memory.resolveId(idOrPrefix, { includeDeleted: action === 'restore' });
    const record = action === 'delete' ? memory.delete(id) : memory.restore(id);
    if (flags.json === true) terminal.stdout.write(`${JSON.stringify(record)}\n`);
    else printRecord(terminal, memory, record, action === 'delete' ? 'Deleted' : 'Restored');
    return 0;
  });
}

/** `outpost memory search QUERY`: ranked like the agent's recall, proposed records included. */
export async function searchMemoryCommand(query: string, flags: SearchMemoryFlags) {
  return withProjectMemory(flags, ({ terminal, memory }) => {
    const limit = flags.limit === undefined ? 10 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a positive whole number, not "${flags.limit}".`);
    }
    const paths = listFlag(flags.paths) ?? [];
    const symbols = listFlag(flags.symbols) ?? [];
    const hits = memory.recall(query, {
      statuses: parseStatuses(flags.status, ['accepted', 'proposed']),
      limit,
      context: { paths, symbols },
    });
    if (flags.json === true) {
      for (const hit of hits) terminal.stdout.write(`${JSON.stringify(hit)}\n`);
      return 0;
    }
    if (hits.length === 0) {
      terminal.stderr.write(`No memory records match "${query}".\n`);
      return 0;
    }
    const scores = new Map(hits.map((hit) => [hit.record.id, hit.score.toFixed(2)]));
    const width = Math.max(...[...scores.values()].map((score) => score.length));
    printRecords(
      terminal,
      memory,
      hits.map((hit) => hit.record),
      (record) => `${(scores.get(record.id) ?? '').padStart(width)}  `,
    );
    return 0;
  });
}

/** `outpost memory export`: every record as Markdown, oldest first, for `memory add --file`. */
export async function exportMemoryCommand(flags: ExportMemoryFlags) {
  return withProjectMemory(flags, ({ terminal, memory, projectRoot }) => {
    const records = memory
      .list({ statuses: parseStatuses(flags.status, MEMORY_STATUSES) })
      .sort(
        (first, second) =>
          first.provenance.createdAt - second.provenance.createdAt ||
          (first.id < second.id ? -1 : 1),
      );
    const text = formatMemoryMarkdown(records, { projectRoot });
    if (flags.output === undefined) {
      terminal.stdout.write(text);
      return 0;
    }
    try {
      writeFileSync(flags.output, text);
    } catch (error) {
      throw new UsageError(`Cannot write ${flags.output}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    terminal.stdout.write(
      `Exported ${records.length} record${records.length === 1 ? '' : 's'} to ${flags.output}.\n`,
    );
    return 0;
  });
}
