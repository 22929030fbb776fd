import type { FileSymbols, SymbolDefinition, SymbolKind } from './file-symbols.js';

/** A run of whole lines of a file, indexed as one full-text document. */
export interface CodeChunk {
  /** 1-based first line. */
  startLine: number;
  /** 1-based last line, inclusive. */
  endLine: number;
  text: string;
  /** Names of the symbols defined in the chunk (a split symbol's name is on each of its parts). */
  symbols: string[];
}

/** A definition longer than this with definitions inside is split into them. */
const longDefinitionLines = 80;
/** No chunk is longer than this. */
const maxChunkLines = 150;
/** A long chunk is preferably split at a blank line no further back than this from the limit. */
const splitSearchLines = 50;

const chunkKinds: ReadonlySet<SymbolKind> = new Set<SymbolKind>([
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'module',
]);

/** Comment, decorator and attribute lines that belong to the definition below them. */
const leadingLinePattern = /^\s*(?:\/\/|\/\*|\*|#(?:\[|!\[|\s|$)|@|--)/;

interface Span {
  start: number;
  end: number;
  owner?: SymbolDefinition;
}

/**
 * Chunks a file by symbol for full-text indexing: each top-level definition (with the comments
 * just above it) is a chunk, a definition longer than 80 lines is split into its inner
 * definitions (methods) and the code between them, and the code between definitions forms
 * module chunks. Chunks cover every line exactly once, none is longer than 150 lines, and
 * blank-only gaps join the chunk before them.
 * Adjacent module code (such as the headers of nested long definitions) forms one chunk.
 */
export function chunkBySymbols(source: string, symbols: FileSymbols): CodeChunk[] {
  if (source.length === 0) return [];
  const lines = source.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const lineCount = lines.length;
  const definitions = symbols.definitions
    .filter((definition) => chunkKinds.has(definition.kind))
    .map((definition) => ({ ...definition, endLine: Math.min(definition.endLine, lineCount) }))
    .filter((definition) => definition.startLine >= 1 && definition.startLine <= definition.endLine)
    .sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);

  const spans: Span[] = [];
  splitRegion(lines, { start: 1, end: lineCount }, definitions, spans);
  const merged = mergeBlankGaps(lines, spans);
  return merged
    .flatMap((span) => splitLongSpan(lines, span))
    .map((span) => ({
      startLine: span.start,
      endLine: span.end,
      text: lines.slice(span.start - 1, span.end).join('\n'),
      symbols: symbolNames(symbols.definitions, span),
    }));
}

/** A definition's own trailing lines up to this many (a closing `}` or `end`) join its last part. */
const trailingLines = 3;

function splitRegion(
  lines: readonly string[],
  region: { start: number; end: number; owner?: SymbolDefinition },
  definitions: readonly SymbolDefinition[],
  spans: Span[],
): void {
  const { start, end } = region;
  const firstSpan = spans.length;
  let cursor = start;
  const outermost: SymbolDefinition[] = [];
  for (const definition of definitions) {
    const last = outermost[outermost.length - 1];
    if (last !== undefined && definition.startLine <= last.endLine) continue;
    outermost.push(definition);
  }
  for (const definition of outermost) {
    const definitionStart = Math.max(cursor, definition.startLine);
    const definitionEnd = Math.min(end, definition.endLine);
    if (definitionStart > definitionEnd) continue;
    const chunkStart = attachLeadingLines(lines, definitionStart, cursor);
    if (cursor < chunkStart) spans.push({ start: cursor, end: chunkStart - 1 });
    const inner = definitions.filter(
      (other) =>
        other !== definition &&
        other.startLine >= definition.startLine &&
        other.endLine <= definition.endLine,
    );
    if (definitionEnd - chunkStart + 1 > longDefinitionLines && inner.length > 0) {
      splitRegion(
        lines,
        { start: chunkStart, end: definitionEnd, owner: definition },
        inner,
        spans,
      );
    } else {
      spans.push({ start: chunkStart, end: definitionEnd, owner: definition });
    }
    cursor = definitionEnd + 1;
  }
  if (cursor > end) return;
  const last = spans[spans.length - 1];
  if (
    region.owner !== undefined &&
    last !== undefined &&
    spans.length > firstSpan &&
    end - cursor < trailingLines
  ) {
    last.end = end;
  } else {
    spans.push({ start: cursor, end });
  }
}

function attachLeadingLines(lines: readonly string[], start: number, floor: number): number {
  let first = start;
  while (first - 1 >= floor && leadingLinePattern.test(lines[first - 2] ?? '')) first -= 1;
  return first;
}

function isBlank(lines: readonly string[], start: number, end: number): boolean {
  for (let line = start; line <= end; line += 1) {
    if ((lines[line - 1] ?? '').trim().length > 0) return false;
  }
  return true;
}

function mergeBlankGaps(lines: readonly string[], spans: readonly Span[]): Span[] {
  const merged: Span[] = [];
  let pendingStart: number | undefined;
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (span.owner === undefined && isBlank(lines, span.start, span.end)) {
      if (previous === undefined) pendingStart ??= span.start;
      else previous.end = span.end;
      continue;
    }
    if (previous !== undefined && previous.owner === undefined && span.owner === undefined) {
      previous.end = span.end; // adjacent module code, e.g. the headers of nested split definitions
      continue;
    }
    merged.push({ ...span, start: pendingStart ?? span.start });
    pendingStart = undefined;
  }
  if (pendingStart !== undefined) {
    // The whole file is blank: one chunk still covers it.
    merged.push({ start: pendingStart, end: spans[spans.length - 1]?.end ?? pendingStart });
  }
  return merged;
}

function splitLongSpan(lines: readonly string[], span: Span): Span[] {
  const parts: Span[] = [];
  let start = span.start;
  while (span.end - start + 1 > maxChunkLines) {
    let end = start + maxChunkLines - 1;
    for (let line = end; line > end - splitSearchLines; line -= 1) {
      if ((lines[line - 1] ?? '').trim().length === 0) {
        end = line;
        break;
      }
    }
    parts.push({ ...span, start, end });
    start = end + 1;
  }
  parts.push({ ...span, start });
  return parts;
}

function symbolNames(definitions: readonly SymbolDefinition[], span: Span): string[] {
  const names = new Set<string>();
  if (span.owner !== undefined) names.add(span.owner.name);
  for (const definition of definitions) {
    if (definition.startLine >= span.start && definition.startLine <= span.end) {
      names.add(definition.name);
    }
  }
  return [...names];
}
