import { cachedStatement } from '../../store/database.js';
import { buildMatchExpression } from './fts-query.js';
import type { IndexDatabase } from './index-database.js';
import { searchSnippet } from './search-snippet.js';

/** One chunk matching a search. */
export interface SearchHit {
  path: string;
  startLine: number;
  endLine: number;
  /** Definitions the chunk holds. */
  symbols: string[];
  /** Higher is better (the negated BM25 rank). */
  score: number;
  snippet: string;
}

/** A definition found by name. */
export interface SymbolLocation {
  path: string;
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  container?: string;
}

/** A use of a name. */
export interface ReferenceLocation {
  path: string;
  line: number;
}

const DEFAULT_SEARCH_LIMIT = 20;
/** BM25 weights of `path_words`, `symbol_words`, `text_words`: names count more than text. */
const BM25_WEIGHTS = '4.0, 6.0, 1.0';

interface ChunkRow {
  path: string;
  start_line: number;
  end_line: number;
  text: string;
  symbols: string;
  rank: number;
}

interface DefinitionRow {
  path: string;
  name: string;
  kind: string;
  start_line: number;
  end_line: number;
  container: string | null;
}

/** BM25 search over chunks; free text, never an FTS5 syntax error. */
export function searchIndex(
  db: IndexDatabase,
  identifierWords: (identifier: string) => string[],
  query: string,
  limit = DEFAULT_SEARCH_LIMIT,
): SearchHit[] {
  const match = buildMatchExpression(query, identifierWords);
  if (match === undefined || limit <= 0) return [];
  const rows = cachedStatement(
    db,
    `SELECT c.path, c.start_line, c.end_line, c.text, c.symbols,
              bm25(chunks_fts, ${BM25_WEIGHTS}) AS rank
       FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
       WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`,
  ).all(match, Math.floor(limit)) as ChunkRow[];
  const terms = match.split(' OR ').map((term) => term.slice(1, -1).replace(/""/g, '"'));
  return rows.map((row) => ({
    path: row.path,
    startLine: row.start_line,
    endLine: row.end_line,
    symbols: parseSymbols(row.symbols),
    score: -row.rank,
    snippet: searchSnippet(row.text, terms),
  }));
}

/** Definitions named exactly `name`; when there are none, those named so in another case. */
export function findSymbolIn(db: IndexDatabase, name: string): SymbolLocation[] {
  const rows = cachedStatement(
    db,
    `SELECT path, name, kind, start_line, end_line, container FROM definitions
       WHERE name = ? COLLATE NOCASE ORDER BY path, start_line`,
  ).all(name) as DefinitionRow[];
  const exact = rows.filter((row) => row.name === name);
  return (exact.length > 0 ? exact : rows).map((row) => ({
    path: row.path,
    name: row.name,
    kind: row.kind,
    startLine: row.start_line,
    endLine: row.end_line,
    ...(row.container === null ? {} : { container: row.container }),
  }));
}

/** The definitions of one file in source order (an outline of the file). */
export function definitionsInFile(db: IndexDatabase, path: string): SymbolLocation[] {
  const rows = cachedStatement(
    db,
    `SELECT path, name, kind, start_line, end_line, container FROM definitions
       WHERE path = ? ORDER BY start_line, end_line DESC`,
  ).all(path) as DefinitionRow[];
  return rows.map((row) => ({
    path: row.path,
    name: row.name,
    kind: row.kind,
    startLine: row.start_line,
    endLine: row.end_line,
    ...(row.container === null ? {} : { container: row.container }),
  }));
}

/** Every recorded use of `name`, by path and line. */
export function referencesIn(db: IndexDatabase, name: string): ReferenceLocation[] {
  const rows = cachedStatement(
    db,
    `SELECT path, lines FROM symbol_references WHERE name = ? ORDER BY path`,
  ).all(name) as { path: string; lines: string }[];
  return rows.flatMap((row) =>
    row.lines.split(',').map((line) => ({ path: row.path, line: Number(line) })),
  );
}

function parseSymbols(stored: string): string[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((item) => typeof item === 'string') : [];
}
