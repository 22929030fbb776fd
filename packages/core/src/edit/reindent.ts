import { isBlank } from './text-lines.js';

/** Columns a tab advances to (a multiple of); only used to compare tab and space indentation. */
const TAB_WIDTH = 4;

/**
 * Whether a search block that matched file lines with leading whitespace ignored also has the
 * same shape: every line indented relative to the first as the file's lines are (after scaling
 * the model's indentation step to the file's, so four spaces may stand for a tab). A block whose
 * relative indentation is wrong is not a match: re-indenting its replacement would guess.
 */
export function hasMatchingIndentation(
  searchLines: readonly string[],
  matchedLines: readonly string[],
): boolean {
  const offset = measureOffset(searchLines, matchedLines);
  return searchLines.every((line, index) => {
    if (isBlank(line)) return true;
    const expected = offset.targetColumns(columns(leadingWhitespace(line)));
    return expected === columns(leadingWhitespace(matchedLines[index] ?? ''));
  });
}

/**
 * Re-indents replacement lines for a search block that matched the file only when leading
 * whitespace was ignored. The replacement keeps its own indentation relative to the first
 * non-blank search line (scaled like the search block's, see {@link hasMatchingIndentation}) and
 * is placed at the indentation that line was found at, written the file's way (tabs or spaces).
 *
 * @param searchLines the search block's lines (leading/trailing blank lines already dropped)
 * @param matchedLines the file lines the search block matched, one per search line
 * @param replacementLines the replacement block's lines
 * @param fileLines every line of the file, to learn whether it indents with tabs when the
 *   matched lines don't show it
 */
export function reindent(
  searchLines: readonly string[],
  matchedLines: readonly string[],
  replacementLines: readonly string[],
  fileLines: readonly string[],
): string[] {
  const offset = measureOffset(searchLines, matchedLines);
  const useTabs = usesTabs(matchedLines, fileLines);
  const unitText = useTabs ? '\t' : ' '.repeat(offset.fileStep ?? TAB_WIDTH);
  return replacementLines.map((line) => {
    if (isBlank(line)) return '';
    const indent = leadingWhitespace(line);
    const target = offset.targetColumns(columns(indent));
    return (
      renderIndent(target, offset.fileAnchorIndent, unitText, useTabs) + line.slice(indent.length)
    );
  });
}

interface IndentOffset {
  /** Indentation of the file line matched by the first non-blank search line. */
  fileAnchorIndent: string;
  /** The file's indentation step within the matched lines, if they show one. */
  fileStep: number | null;
  /** Where a line the model indented to `columns` belongs in the file. */
  targetColumns(columns: number): number;
}

function measureOffset(
  searchLines: readonly string[],
  matchedLines: readonly string[],
): IndentOffset {
  const anchorIndex = searchLines.findIndex((line) => !isBlank(line));
  const fileAnchorIndent = leadingWhitespace(matchedLines[anchorIndex] ?? '');
  const fileAnchorColumns = columns(fileAnchorIndent);
  const searchAnchorColumns = columns(leadingWhitespace(searchLines[anchorIndex] ?? ''));
  const searchStep = relativeUnit(searchLines, searchAnchorColumns);
  const fileStep = relativeUnit(matchedLines, fileAnchorColumns);
  const scale = searchStep !== null && fileStep !== null ? fileStep / searchStep : 1;
  return {
    fileAnchorIndent,
    fileStep,
    targetColumns: (lineColumns) =>
      Math.max(0, fileAnchorColumns + Math.round((lineColumns - searchAnchorColumns) * scale)),
  };
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function columns(indent: string): number {
  let column = 0;
  for (const character of indent) {
    column = character === '\t' ? (Math.floor(column / TAB_WIDTH) + 1) * TAB_WIDTH : column + 1;
  }
  return column;
}

/** Indentation reaching `target` columns, built on the anchor's own text where possible. */
function renderIndent(
  target: number,
  anchorIndent: string,
  unitText: string,
  useTabs: boolean,
): string {
  const anchorColumns = columns(anchorIndent);
  const unitColumns = columns(unitText);
  const extra = target - anchorColumns;
  if (extra >= 0 && extra % unitColumns === 0)
    return anchorIndent + unitText.repeat(extra / unitColumns);
  if (useTabs) return '\t'.repeat(Math.floor(target / TAB_WIDTH)) + ' '.repeat(target % TAB_WIDTH);
  return ' '.repeat(target);
}

/** Whether the file indents with tabs: the matched lines say so, or most of the file does. */
function usesTabs(matchedLines: readonly string[], fileLines: readonly string[]): boolean {
  const matchedIndents = matchedLines.map(leadingWhitespace).filter((indent) => indent !== '');
  if (matchedIndents.length > 0) return matchedIndents.some((indent) => indent.includes('\t'));
  let tabs = 0;
  let spaces = 0;
  for (const line of fileLines) {
    if (line.startsWith('\t')) tabs += 1;
    else if (line.startsWith(' ') && !isBlank(line)) spaces += 1;
  }
  return tabs > spaces;
}

/** The indentation step within a block: the gcd of its lines' offsets from the anchor. */
function relativeUnit(lines: readonly string[], anchorColumns: number): number | null {
  let unit = 0;
  for (const line of lines) {
    if (isBlank(line)) continue;
    unit = gcd(unit, Math.abs(columns(leadingWhitespace(line)) - anchorColumns));
  }
  return unit === 0 ? null : unit;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
