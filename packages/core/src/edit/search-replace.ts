import { findClosestLines } from './closest-lines.js';
import { hasMatchingIndentation, reindent } from './reindent.js';
import {
  blockLines,
  dominantLineEnding,
  isBlank,
  joinLines,
  lineNumberAt,
  splitLines,
  type TextLine,
} from './text-lines.js';

export type MatchStrategy = 'exact' | 'whitespace' | 'indentation';

export type SearchReplaceResult =
  | { ok: true; content: string; strategy: MatchStrategy; occurrences: number }
  | { ok: false; kind: 'no-match' | 'ambiguous-match' | 'empty-search'; message: string };

export interface SearchReplaceOptions {
  /** Replace every match instead of refusing when there is more than one. */
  replaceAll?: boolean;
}

/** Most candidate lines shown when nothing matched, and most characters of each. */
const MAX_CANDIDATE_LINES = 40;
const MAX_CANDIDATE_LINE_LENGTH = 200;
/** Below this similarity the closest lines are shown with a warning that they hardly match. */
const WEAK_SIMILARITY = 0.5;

/**
 * Replaces `search` with `replace` in `content`. Tries, in order: the exact text; whole lines
 * ignoring trailing whitespace, CRLF/LF and blank lines around the search block; whole lines
 * ignoring indentation, re-indenting the replacement to where the match was found. The file
 * keeps its line endings and its final-newline state. Failures carry a message for the model.
 */
export function applySearchReplace(
  content: string,
  search: string,
  replace: string,
  options: SearchReplaceOptions = {},
): SearchReplaceResult {
  const replaceAll = options.replaceAll ?? false;
  if (isBlank(search)) {
    return {
      ok: false,
      kind: 'empty-search',
      message:
        'The search text is empty. Put the exact lines to change in search; to create or overwrite a whole file use write_file.',
    };
  }
  const lines = splitLines(content);
  const eol = dominantLineEnding(lines);

  const exact = exactMatches(content, search);
  if (exact.length > 0) {
    if (exact.length > 1 && !replaceAll) {
      return ambiguous(exact.map((offset) => lineNumberAt(content, offset)));
    }
    const replacement = blockLines(matchFinalNewline(replace, search)).join(eol);
    return {
      ok: true,
      content: spliceAll(content, exact, search.length, replacement),
      strategy: 'exact',
      occurrences: exact.length,
    };
  }

  const searchBlock = trimBlankEdges(blockLines(search));
  const replaceBlock =
    replace === '' ? [] : trimMatchingBlankEdges(blockLines(replace), searchBlock);
  for (const strategy of ['whitespace', 'indentation'] as const) {
    const normalise = strategy === 'whitespace' ? trimEnd : trim;
    const accept = (start: number): boolean =>
      strategy === 'whitespace' ||
      hasMatchingIndentation(
        searchBlock.lines,
        lines.slice(start, start + searchBlock.lines.length).map((line) => line.text),
      );
    const starts = lineMatches(lines, searchBlock.lines.map(normalise), normalise, accept);
    if (starts.length === 0) continue;
    if (starts.length > 1 && !replaceAll) return ambiguous(starts.map((start) => start + 1));
    const fileTexts = lines.map((line) => line.text);
    let result = lines;
    // From the bottom up, so earlier matches keep their line numbers.
    for (const start of [...starts].reverse()) {
      const replacement =
        strategy === 'whitespace'
          ? replaceBlock
          : reindent(
              searchBlock.lines,
              fileTexts.slice(start, start + searchBlock.lines.length),
              replaceBlock,
              fileTexts,
            );
      result = replaceLines(result, start, searchBlock.lines.length, replacement, eol);
    }
    return { ok: true, content: joinLines(result), strategy, occurrences: starts.length };
  }
  return { ok: false, kind: 'no-match', message: noMatchMessage(lines, searchBlock.lines) };
}

/**
 * Gives the replacement a final newline exactly when the search text has one: models often
 * drop or add it on one side only, which would join two lines or add a blank one.
 */
function matchFinalNewline(replace: string, search: string): string {
  if (replace === '') return replace;
  const searchHasNewline = /\r?\n$/.test(search);
  const replaceHasNewline = /\r?\n$/.test(replace);
  if (searchHasNewline && !replaceHasNewline) return `${replace}\n`;
  if (!searchHasNewline && replaceHasNewline) return replace.replace(/\r?\n$/, '');
  return replace;
}

function trimEnd(text: string): string {
  return text.trimEnd();
}

function trim(text: string): string {
  return text.trim();
}

/** Start offsets of the non-overlapping exact occurrences of `search`. */
function exactMatches(content: string, search: string): number[] {
  const offsets: number[] = [];
  for (let index = content.indexOf(search); index !== -1;) {
    offsets.push(index);
    index = content.indexOf(search, index + search.length);
  }
  return offsets;
}

function spliceAll(
  content: string,
  offsets: number[],
  length: number,
  replacement: string,
): string {
  let result = '';
  let previous = 0;
  for (const offset of offsets) {
    result += content.slice(previous, offset) + replacement;
    previous = offset + length;
  }
  return result + content.slice(previous);
}

interface TrimmedBlock {
  lines: string[];
  /** Blank lines dropped from the start and from the end. */
  leading: number;
  trailing: number;
}

function trimBlankEdges(lines: string[]): TrimmedBlock {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start] ?? '')) start += 1;
  while (end > start && isBlank(lines[end - 1] ?? '')) end -= 1;
  return { lines: lines.slice(start, end), leading: start, trailing: lines.length - end };
}

/**
 * Drops from the replacement as many blank edge lines as were dropped from the search block,
 * so a block written with surrounding blank lines (or a final newline) on both sides doesn't
 * add blank lines to the file.
 */
function trimMatchingBlankEdges(lines: string[], search: TrimmedBlock): string[] {
  let start = 0;
  let end = lines.length;
  while (start < search.leading && start < end && isBlank(lines[start] ?? '')) start += 1;
  while (lines.length - end < search.trailing && end > start && isBlank(lines[end - 1] ?? '')) {
    end -= 1;
  }
  return lines.slice(start, end);
}

/** 0-based start lines of the non-overlapping places where `wanted` matches, top to bottom. */
function lineMatches(
  lines: readonly TextLine[],
  wanted: readonly string[],
  normalise: (text: string) => string,
  accept: (start: number) => boolean,
): number[] {
  const normalised = lines.map((line) => normalise(line.text));
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= normalised.length;) {
    if (wanted.every((text, offset) => normalised[start + offset] === text) && accept(start)) {
      starts.push(start);
      start += wanted.length;
    } else {
      start += 1;
    }
  }
  return starts;
}

/**
 * Replaces `count` lines from `start` with `replacement`. New lines end with the file's usual
 * line ending; the last one takes the ending of the last replaced line, so a file without a
 * final newline still has none.
 */
function replaceLines(
  lines: readonly TextLine[],
  start: number,
  count: number,
  replacement: readonly string[],
  eol: '\r\n' | '\n',
): TextLine[] {
  const lastEol = lines[start + count - 1]?.eol ?? eol;
  const added: TextLine[] = replacement.map((text, index) => ({
    text,
    eol: index === replacement.length - 1 ? lastEol : eol,
  }));
  const result = [...lines.slice(0, start), ...added, ...lines.slice(start + count)];
  const before = result[start - 1];
  if (added.length === 0 && lastEol === '' && start === result.length && before !== undefined) {
    // The deleted lines ended the file without a final newline: the new last line has none either.
    result[start - 1] = { text: before.text, eol: '' };
  }
  return result;
}

function ambiguous(lineNumbers: number[]): SearchReplaceResult {
  return {
    ok: false,
    kind: 'ambiguous-match',
    message:
      `The search text matches ${lineNumbers.length} places (lines ${lineNumbers.join(', ')}). ` +
      'Add more surrounding lines to search so it matches exactly one place, ' +
      'or set replace_all to true to change every match.',
  };
}

function noMatchMessage(lines: readonly TextLine[], searchLines: readonly string[]): string {
  const texts = lines.map((line) => line.text);
  const closest = findClosestLines(texts, searchLines);
  const intro = 'The search text was not found in the file.';
  if (closest === null) return `${intro} The file is empty.`;
  const end = Math.min(closest.start + closest.length, closest.start + MAX_CANDIDATE_LINES);
  const numberWidth = String(end).length;
  const shown = texts.slice(closest.start, end).map((text, index) => {
    const number = String(closest.start + index + 1).padStart(numberWidth);
    const cut =
      text.length > MAX_CANDIDATE_LINE_LENGTH
        ? `${text.slice(0, MAX_CANDIDATE_LINE_LENGTH)}…`
        : text;
    return `${number}| ${cut}`;
  });
  const range = `lines ${closest.start + 1}-${end}`;
  const advice =
    closest.similarity < WEAK_SIMILARITY
      ? `Nothing in the file is close; the most similar is ${range}. Read the file again before retrying:`
      : `The closest text is ${range} (the "N| " prefixes are line numbers, not file content). Copy the real lines from there into search and retry:`;
  return `${intro} ${advice}\n${shown.join('\n')}`;
}
