import { cachedStatement } from '../../store/database.js';
import { buildMatchExpression } from './fts-query.js';
import type { IndexDatabase } from './index-database.js';
import { type QueryClues, parseQueryClues } from './query-clues.js';
import {
  type RankingData,
  isAuxiliaryPath,
  isTestPath,
  resolveQuotedPath,
  sourcesOfTest,
} from './ranking-data.js';

/** The evidence `rankFiles` combines; each can be left out (`without`) to measure what it adds. */
export type RankingSignal =
  'lexical' | 'identifiers' | 'paths' | 'semantic' | 'graph' | 'tests' | 'code';

/** One file ranked for a query, with what each signal added to its score. */
export interface RankedFile {
  path: string;
  score: number;
  signals: Partial<Record<RankingSignal, number>>;
}

export interface RankOptions {
  limit?: number;
  /** Signals to leave out (for measuring them); default none. */
  without?: readonly RankingSignal[];
  /** Files by similarity to the query (`CodeIndex.semanticScores`), when an embedding model is set. */
  semantic?: ReadonlyMap<string, number>;
}

/** A chunk-level lexical hit, kept for symbol ranking. */
export interface ChunkScore {
  path: string;
  symbols: string[];
  /** BM25 scaled so the best chunk of the query is 1. */
  score: number;
}

export interface FileRanking {
  files: RankedFile[];
  chunks: ChunkScore[];
  clues: QueryClues;
  /** Definitions of the query's identifiers: name → defining files. */
  definers: Map<string, string[]>;
}

const DEFAULT_LIMIT = 20;
/** An issue text is long; its words past the first few hundred rarely add anything. */
const MAX_QUERY_TERMS = 128;
const MAX_CHUNKS = 400;
const BM25_WEIGHTS = '4.0, 6.0, 1.0';
/** A name defined in more files than this points nowhere in particular. */
const MAX_DEFINERS = 8;
/**
 * Most one file gains from the query's identifiers. Each name adds evidence, but a long traceback
 * names dozens of things in one module; past this the file is no more likely to be the one.
 */
const MAX_IDENTIFIER_SCORE = 3;
/** A file's lexical score: its best chunk, plus this share of its second and third best. */
const CHUNK_DECAY = 0.5;

/**
 * Ranks a project's files for free text (an issue, a question, a stack trace) without a language
 * model, adding up simple signals with round weights:
 * - lexical: chunk-level BM25 aggregated per file (best chunk + decayed next two), scaled to 1;
 * - identifiers: names written as code in the query (or words of its title) that the index has
 *   as definitions, or as a file's name, +1 split among the files defining each (title names 2),
 *   at most 3 per file;
 * - paths: files quoted by path or stack-trace frame, and dotted module names, +2;
 * - semantic (only with an embedding model): the files most similar to the query, up to +1,
 *   scaled between the least and the most similar of them;
 * - graph: PageRank of the definition graph as a small prior, plus a share of the score of the
 *   top matching files that use names the file defines;
 * - tests: a test's score lends half to the source it tests; tests themselves count half;
 * - code: files in no parsed language (docs, config), and code under docs, examples, benchmarks
 *   and scripts directories, count half.
 */
export function rankFilesIn(
  db: IndexDatabase,
  data: RankingData,
  identifierWords: (identifier: string) => string[],
  query: string,
  options: RankOptions = {},
): FileRanking {
  const without = new Set(options.without ?? []);
  const limit = options.limit ?? DEFAULT_LIMIT;
  const clues = parseQueryClues(query);
  const scores = new Map<string, RankedFile>();
  const add = (path: string, signal: RankingSignal, value: number): void => {
    if (without.has(signal) || value === 0 || !data.languages.has(path)) return;
    let entry = scores.get(path);
    if (entry === undefined) {
      entry = { path, score: 0, signals: {} };
      scores.set(path, entry);
    }
    entry.signals[signal] = (entry.signals[signal] ?? 0) + value;
    entry.score += value;
  };

  const chunks = lexicalChunks(db, identifierWords, query);
  for (const [path, value] of aggregateChunks(chunks)) add(path, 'lexical', value);

  const definers = definersOf(db, data, new Set([...clues.identifiers, ...clues.titleIdentifiers]));
  const identifierScores = new Map<string, number>();
  for (const [name, paths] of definers) {
    if (paths.length === 0 || paths.length > MAX_DEFINERS) continue;
    const weight = clues.titleIdentifiers.has(name) ? 2 : 1;
    for (const path of paths) {
      identifierScores.set(path, (identifierScores.get(path) ?? 0) + weight / paths.length);
    }
  }
  for (const [path, value] of identifierScores) {
    add(path, 'identifiers', Math.min(value, MAX_IDENTIFIER_SCORE));
  }

  for (const path of quotedFiles(clues, data)) add(path, 'paths', 2);

  if (options.semantic !== undefined) {
    for (const [path, value] of scaleSemantic(options.semantic)) add(path, 'semantic', value);
  }

  if (!without.has('graph')) addGraphSignal(scores, data, add);

  if (!without.has('tests')) {
    for (const entry of [...scores.values()]) {
      if (!isTestPath(entry.path)) continue;
      const lent = entry.score / 2;
      for (const source of sourcesOfTest(entry.path, data)) add(source, 'tests', lent);
      add(entry.path, 'tests', -entry.score / 2);
    }
  }
  if (!without.has('code')) {
    for (const entry of scores.values()) {
      if (data.languages.get(entry.path) === undefined || isAuxiliaryPath(entry.path)) {
        add(entry.path, 'code', -entry.score / 2);
      }
    }
  }

  const files = [...scores.values()]
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score || left.path.localeCompare(right.path))
    .slice(0, limit);
  return { files, chunks, clues, definers };
}

interface ChunkRow {
  path: string;
  symbols: string;
  rank: number;
}

function lexicalChunks(
  db: IndexDatabase,
  identifierWords: (identifier: string) => string[],
  query: string,
): ChunkScore[] {
  const match = buildMatchExpression(query, identifierWords, MAX_QUERY_TERMS);
  if (match === undefined) return [];
  const rows = cachedStatement(
    db,
    `SELECT c.path, c.symbols, bm25(chunks_fts, ${BM25_WEIGHTS}) AS rank
       FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
       WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`,
  ).all(match, MAX_CHUNKS) as ChunkRow[];
  const best = rows.length === 0 ? 0 : -(rows[0]?.rank ?? 0);
  if (best <= 0) return [];
  return rows.map((row) => ({
    path: row.path,
    symbols: JSON.parse(row.symbols) as string[],
    score: -row.rank / best,
  }));
}

function aggregateChunks(chunks: readonly ChunkScore[]): Map<string, number> {
  const perFile = new Map<string, number[]>();
  for (const chunk of chunks) {
    const list = perFile.get(chunk.path);
    if (list === undefined) perFile.set(chunk.path, [chunk.score]);
    else if (list.length < 3) list.push(chunk.score);
  }
  const result = new Map<string, number>();
  let best = 0;
  for (const [path, list] of perFile) {
    // Rows arrive best first, so each list is sorted already.
    const value = (list[0] ?? 0) + CHUNK_DECAY * ((list[1] ?? 0) + (list[2] ?? 0));
    result.set(path, value);
    best = Math.max(best, value);
  }
  for (const [path, value] of result) result.set(path, value / best);
  return result;
}

/** For each name: the files defining it, or else the files named after it (`latex.py`). */
function definersOf(
  db: IndexDatabase,
  data: RankingData,
  names: ReadonlySet<string>,
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const statement = cachedStatement(db, 'SELECT DISTINCT path FROM definitions WHERE name = ?');
  for (const name of names) {
    const paths = new Set(statement.pluck().all(name) as string[]);
    for (const file of data.byStem.get(name) ?? []) {
      if (!isTestPath(file) && data.languages.get(file) !== undefined) paths.add(file);
    }
    if (paths.size > 0) result.set(name, [...paths]);
  }
  return result;
}

/** Files the query names by path, stack-trace frame or dotted module name. */
function quotedFiles(clues: QueryClues, data: RankingData): Set<string> {
  const files = new Set<string>();
  for (const quoted of clues.paths) {
    for (const file of resolveQuotedPath(quoted, data)) files.add(file);
  }
  for (const stem of clues.modulePaths) {
    for (const candidate of [`${stem}.py`, `${stem}/__init__.py`]) {
      for (const file of resolveQuotedPath(candidate, data)) {
        // A module path must match at least its last two segments (`core/basic.py`).
        if (file.endsWith(candidate) && candidate.split('/').length >= 2) files.add(file);
      }
    }
  }
  return files;
}

/** Cosine similarities mean little in absolute terms: only their order among the best files. */
function scaleSemantic(scores: ReadonlyMap<string, number>): Map<string, number> {
  const values = [...scores.values()];
  const best = Math.max(...values);
  const least = Math.min(...values);
  const spread = best - least;
  const scaled = new Map<string, number>();
  for (const [path, value] of scores) {
    scaled.set(path, spread <= 0 ? 1 : (value - least) / spread);
  }
  return scaled;
}

/** How much of a top match's score flows to each file it uses names from. */
const NEIGHBOUR_SHARE = 0.25;
const NEIGHBOUR_SOURCES = 10;
const PRIOR_WEIGHT = 0.1;

function addGraphSignal(
  scores: Map<string, RankedFile>,
  data: RankingData,
  add: (path: string, signal: RankingSignal, value: number) => void,
): void {
  const top = [...scores.values()]
    .sort((left, right) => right.score - left.score)
    .slice(0, NEIGHBOUR_SOURCES)
    .map((entry) => ({ path: entry.path, score: entry.score }));
  for (const source of top) {
    const edges = data.graph.uses.get(source.path);
    if (edges === undefined) continue;
    let total = 0;
    for (const weight of edges.values()) total += weight;
    for (const [target, weight] of edges) {
      if (!scores.has(target)) continue;
      add(target, 'graph', (NEIGHBOUR_SHARE * source.score * weight) / total);
    }
  }
  for (const entry of [...scores.values()]) {
    add(entry.path, 'graph', PRIOR_WEIGHT * Math.sqrt(data.graph.rank.get(entry.path) ?? 0));
  }
}
