import { estimateTokens } from '../model/token-estimate.js';

/** A file as the code index ranks it for a message (`CodeIndex.rankFiles`), best first. */
export interface RepoMapFile {
  path: string;
  score: number;
}

/** A definition of a file's outline (`CodeIndex.definitionsIn`), in source order. */
export interface RepoMapSymbol {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  container?: string;
}

/** What the repository map needs of the code index. */
export interface RepoMapSource {
  rankFiles(query: string, options: { limit: number }): RepoMapFile[];
  definitionsIn(path: string): RepoMapSymbol[];
}

export interface RepoMapOptions {
  /** The user's message: what the files were ranked for, and which names matter. */
  query: string;
  /** Ranked files, best first. */
  files: readonly RepoMapFile[];
  /** Each file's definitions in source order; a file missing here is shown by its path alone. */
  outlines: ReadonlyMap<string, readonly RepoMapSymbol[]>;
  /** Most tokens the map may take, heading included; 0 means no map. */
  tokenBudget: number;
  /** Defaults to {@link estimateTokens}. Lines are counted one by one (with their newline). */
  countTokens?: (text: string) => number;
  /** Most definitions chosen per file (their enclosing definitions are shown too). Default 8. */
  maxSymbolsPerFile?: number;
  /** Files scoring below this share of the best file are left out. Default 0.1. */
  minRelativeScore?: number;
}

/** Files asked of the index for one map: more than a budget of ~1,000 tokens can show. */
export const REPO_MAP_FILES = 15;

const HEADING = 'Repository map (files the code index ranks for this message; definitions, lines):';
const DEFAULT_SYMBOLS_PER_FILE = 8;
const DEFAULT_MIN_RELATIVE_SCORE = 0.1;
/** Words too common to say which definition a message is about. */
const STOP_WORDS = new Set(
  'the and for with this that from into not are was were has have but you your can should when what where which why how does there its then than all any'.split(
    ' ',
  ),
);
const TYPE_KINDS = new Set(['class', 'interface', 'type', 'enum', 'module', 'function', 'method']);

/**
 * The repository map (issue 5): a compact outline of the files the code index ranks as most
 * relevant to the user's message, each with its key definitions and their lines, for the
 * volatile per-turn context — never the stable prompt prefix.
 *
 * Files keep their rank order. Within a file, definitions whose names share words with the
 * message come first, then top-level ones, then the rest in source order; a nested definition
 * brings its enclosing ones, so `method bar` is never shown without `class Foo`. The budget is
 * filled in two passes — each file with its best definition, then more definitions per file —
 * so a small budget shows several files rather than one long outline. Whole lines only; an empty
 * string when nothing is worth showing.
 */
export function renderRepoMap(options: RepoMapOptions): string {
  const budget = options.tokenBudget;
  const count = options.countTokens ?? estimateTokens;
  const cost = (line: string): number => count(`${line}\n`);
  const best = options.files[0]?.score ?? 0;
  if (budget <= 0 || best <= 0) return '';
  const minScore = best * (options.minRelativeScore ?? DEFAULT_MIN_RELATIVE_SCORE);
  const words = queryWords(options.query);
  const perFile = options.maxSymbolsPerFile ?? DEFAULT_SYMBOLS_PER_FILE;

  let used = cost(HEADING);
  const blocks: FileBlock[] = [];
  const fits = (lines: readonly string[]): boolean => {
    const extra = lines.reduce((sum, line) => sum + cost(line), 0);
    if (used + extra > budget) return false;
    used += extra;
    return true;
  };

  // First pass: each file with its best definition, while they fit.
  for (const file of options.files) {
    if (file.score < minScore) break;
    const outline = options.outlines.get(file.path) ?? [];
    const block: FileBlock = {
      path: file.path,
      outline,
      candidates: rankDefinitions(outline, words).slice(0, perFile),
      shown: new Set(),
    };
    const first = block.candidates.shift();
    const added = first === undefined ? [] : withEnclosing(block, first);
    if (!fits([file.path, ...added.map((index) => symbolLine(block.outline, index))])) break;
    for (const index of added) block.shown.add(index);
    blocks.push(block);
  }
  if (blocks.length === 0) return '';

  // Second pass: more definitions per file, in rank order, until one does not fit.
  fill: for (const block of blocks) {
    for (const candidate of block.candidates) {
      const added = withEnclosing(block, candidate);
      if (!fits(added.map((index) => symbolLine(block.outline, index)))) break fill;
      for (const index of added) block.shown.add(index);
    }
  }

  const lines = [HEADING];
  for (const block of blocks) {
    lines.push(block.path);
    const shown = [...block.shown].sort((left, right) => left - right);
    for (const index of shown) lines.push(symbolLine(block.outline, index));
  }
  return lines.join('\n');
}

/**
 * Asks the index for the files ranked for `query` and their outlines, and renders the map
 * (`renderRepoMap`). Undefined when there is nothing to show.
 */
export function describeRepoMap(
  source: RepoMapSource,
  query: string,
  tokenBudget: number,
  countTokens?: (text: string) => number,
): string | undefined {
  if (tokenBudget <= 0) return undefined;
  const files = source.rankFiles(query, { limit: REPO_MAP_FILES });
  const outlines = new Map(files.map((file) => [file.path, source.definitionsIn(file.path)]));
  const map = renderRepoMap({
    query,
    files,
    outlines,
    tokenBudget,
    ...(countTokens === undefined ? {} : { countTokens }),
  });
  return map === '' ? undefined : map;
}

interface FileBlock {
  path: string;
  outline: readonly RepoMapSymbol[];
  /** Indexes into `outline`, best first, not yet shown. */
  candidates: number[];
  shown: Set<number>;
}

/** `candidate` and the definitions enclosing it that are not shown yet, outermost first. */
function withEnclosing(block: FileBlock, candidate: number): number[] {
  return [...enclosing(block.outline, candidate), candidate].filter(
    (index) => !block.shown.has(index),
  );
}

/** Indexes of the definitions whose lines contain definition `index`, outermost first. */
function enclosing(outline: readonly RepoMapSymbol[], index: number): number[] {
  const symbol = outline[index];
  if (symbol === undefined) return [];
  const result: number[] = [];
  outline.forEach((other, otherIndex) => {
    if (otherIndex === index) return;
    const contains = other.startLine <= symbol.startLine && other.endLine >= symbol.endLine;
    const larger = other.startLine < symbol.startLine || other.endLine > symbol.endLine;
    // Same lines (a decorated definition reported twice): the earlier one encloses.
    if (contains && (larger || otherIndex < index)) result.push(otherIndex);
  });
  return result;
}

/** Definition indexes, best first: names matching the message, then top-level, then the rest. */
function rankDefinitions(outline: readonly RepoMapSymbol[], words: QueryWords): number[] {
  const keyed = outline.map((symbol, index) => ({
    index,
    match: nameMatch(symbol.name, words),
    depth: enclosing(outline, index).length,
    minor: TYPE_KINDS.has(symbol.kind) ? 0 : 1,
  }));
  keyed.sort(
    (left, right) =>
      right.match - left.match ||
      Math.min(left.depth, 1) - Math.min(right.depth, 1) ||
      left.minor - right.minor ||
      left.index - right.index,
  );
  return keyed.map((entry) => entry.index);
}

function symbolLine(outline: readonly RepoMapSymbol[], index: number): string {
  const symbol = outline[index];
  if (symbol === undefined) return '';
  const indent = '  '.repeat(1 + enclosing(outline, index).length);
  const lines =
    symbol.endLine > symbol.startLine
      ? `L${symbol.startLine}-${symbol.endLine}`
      : `L${symbol.startLine}`;
  return `${indent}${symbol.kind} ${symbol.name} ${lines}`;
}

interface QueryWords {
  /** Identifiers of the message, lowercased (`computeTax` → `computetax`). */
  names: Set<string>;
  /** Their words (`compute`, `tax`), without the most common English ones. */
  words: Set<string>;
}

function queryWords(query: string): QueryWords {
  const names = new Set<string>();
  const words = new Set<string>();
  for (const [identifier] of query.matchAll(/[\p{L}_$][\p{L}\p{Nd}_$]*/gu)) {
    names.add(identifier.toLowerCase());
    for (const word of identifierWords(identifier)) {
      if (word.length >= 3 && !STOP_WORDS.has(word)) words.add(word);
    }
  }
  return { names, words };
}

/** How well a definition's name matches the message: the whole name counts more than its words. */
function nameMatch(name: string, query: QueryWords): number {
  const whole = query.names.has(name.toLowerCase()) ? 10 : 0;
  return whole + identifierWords(name).filter((word) => query.words.has(word)).length;
}

const WORD = /\p{Lu}+(?!\p{Ll})\p{Nd}*|\p{Lu}?\p{Ll}+\p{Nd}*|\p{Nd}+/gu;

/** `parseHTTPResponse` → parse, http, response; `snake_case` → snake, case. */
function identifierWords(identifier: string): string[] {
  return Array.from(identifier.matchAll(WORD), (match) => match[0].toLowerCase());
}
