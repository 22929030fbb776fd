import { MemoryError } from '../errors/memory-error.js';
import type { MemoryDraft, MemoryKind, MemoryRecord, MemoryStatus } from './memory-types.js';

/**
 * The Markdown form of project memory (`outpost memory export`, `outpost memory add --file`):
 * one `## Title` section per record, its fields as a `- name: value` list, its body in a
 * `markdown` code fence longer than any run of backticks inside it, so any body survives the
 * round trip. Importing reads title, kind, status, tags, paths, links and body; id, times and
 * provenance are shown for people and ignored, since an import makes new records.
 * docs/architecture/memory.md describes the format.
 */

export const MEMORY_EXPORT_FORMAT = 1;

/** Fields an import reads. */
const importedFields = ['kind', 'status', 'tags', 'paths', 'links'] as const;
/** Fields written for people and skipped on import. */
const shownFields = ['id', 'created', 'user', 'device', 'session', 'model', 'updated'] as const;
type FieldName = (typeof importedFields)[number] | (typeof shownFields)[number];
const knownFields: readonly string[] = [...importedFields, ...shownFields];

const time = (milliseconds: number) => new Date(milliseconds).toISOString();

function fenceFor(body: string): string {
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), ([run]) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The records as one Markdown document, in the order given. */
export function formatMemoryMarkdown(
  records: readonly MemoryRecord[],
  options: { projectRoot: string },
): string {
  const sections = records.map((record) => {
    const { provenance } = record;
    const fields: (readonly [FieldName, string])[] = [
      ['id', record.id],
      ['kind', record.kind],
      ['status', record.status],
      ['tags', record.tags.join(', ')],
      ['paths', record.paths.map((path) => `\`${path}\``).join(', ')],
      ['links', record.links.map((link) => `${link.type} ${link.id}`).join(', ')],
      ['created', time(provenance.createdAt)],
      ['user', provenance.user],
      ['device', provenance.device],
      ...(provenance.session === undefined ? [] : [['session', provenance.session] as const]),
      ...(provenance.model === undefined ? [] : [['model', provenance.model] as const]),
      ['updated', time(record.updatedAt)],
    ];
    const fence = fenceFor(record.body);
    return [
      `## ${record.title}`,
      '',
      ...fields.map(([name, value]) => (value === '' ? `- ${name}:` : `- ${name}: ${value}`)),
      '',
      `${fence}markdown`,
      record.body,
      fence,
    ].join('\n');
  });
  const count = `${records.length} record${records.length === 1 ? '' : 's'}`;
  return [
    '# Project memory',
    '',
    `<!-- Outpost memory export, format ${MEMORY_EXPORT_FORMAT}: ${count} of ${options.projectRoot}.`,
    '     Import with: outpost memory add --file <this file> (new ids; your own provenance). -->',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}

interface Section {
  title: string;
  line: number;
  fields: Map<string, string>;
  body: string | undefined;
}

/**
 * Reads a document written by `formatMemoryMarkdown` (or by hand in the same shape) back into
 * drafts. Text before the first `## ` heading is ignored; a record without a status is
 * `accepted` (a user wrote it). Problems are `MemoryError`s naming the line.
 */
export function parseMemoryMarkdown(text: string): MemoryDraft[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const problems: string[] = [];
  const sections: Section[] = [];
  let current: Section | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const number = index + 1;
    if (line.startsWith('## ')) {
      current = { title: line.slice(3), line: number, fields: new Map(), body: undefined };
      sections.push(current);
      continue;
    }
    if (current === undefined || line.trim() === '') continue;
    const fence = /^(`{3,})markdown\s*$/.exec(line)?.[1];
    if (fence !== undefined && current.body === undefined) {
      const end = lines.indexOf(fence, index + 1);
      if (end === -1) {
        problems.push(`line ${number}: the body's ${fence} fence is never closed`);
        break;
      }
      current.body = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const field = /^- ([a-z]+):(?: (.*))?$/.exec(line);
    if (field === null || current.body !== undefined) {
      problems.push(
        `line ${number}: expected a "- name: value" field or the body's \`\`\`markdown fence ` +
          `in record ${JSON.stringify(current.title)}, not ${JSON.stringify(line.slice(0, 60))}`,
      );
      continue;
    }
    const [, name = '', value = ''] = field;
    if (!knownFields.includes(name)) {
      problems.push(
        `line ${number}: unknown field ${JSON.stringify(name)} (known: ${knownFields.join(', ')})`,
      );
    } else if (current.fields.has(name)) {
      problems.push(`line ${number}: the field ${JSON.stringify(name)} is given twice`);
    } else {
      current.fields.set(name, value.trim());
    }
  }
  if (problems.length === 0 && sections.length === 0) {
    problems.push('no records found: each record starts with a "## Title" line');
  }
  for (const section of sections) {
    if (section.body === undefined) {
      problems.push(
        `line ${section.line}: record ${JSON.stringify(section.title)} has no body ` +
          '(put it in a ```markdown fence after the fields)',
      );
    }
  }
  if (problems.length > 0) throw new MemoryError(problems);
  return sections.map(toDraft);
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function toDraft(section: Section): MemoryDraft {
  const { fields } = section;
  const paths = fields.get('paths') ?? '';
  return {
    title: section.title,
    body: section.body ?? '',
    // Checked with everything else when the drafts are added.
    kind: fields.get('kind') as MemoryKind,
    status: (fields.get('status') ?? 'accepted') as MemoryStatus,
    tags: list(fields.get('tags')),
    paths: paths.includes('`')
      ? Array.from(paths.matchAll(/`([^`]*)`/g), ([, path = '']) => path)
      : list(paths),
    links: list(fields.get('links')).map((item) => {
      const [type = '', id = ''] = item.split(/\s+/);
      return { type: type as 'commit' | 'session' | 'task', id };
    }),
  };
}
