import { cachedStatement } from '../../store/database.js';
import type { FileRanking } from './file-ranking.js';
import type { IndexDatabase } from './index-database.js';

/** One definition ranked for a query. */
export interface RankedSymbol {
  path: string;
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  container?: string;
  score: number;
}

/** Files whose definitions are considered. */
const CANDIDATE_FILES = 10;

interface DefinitionRow {
  name: string;
  kind: string;
  start_line: number;
  end_line: number;
  container: string | null;
}

/**
 * Ranks the definitions of the best files: the file's score (scaled so the best file is 1), plus
 * the best lexical score of a chunk holding the definition, plus 1 when the query writes its name
 * as code (2 in the title) or names its class, so `Foo.bar` in an issue finds `bar` of `Foo`.
 */
export function rankSymbolsIn(
  db: IndexDatabase,
  ranking: FileRanking,
  limit: number,
): RankedSymbol[] {
  const files = ranking.files.slice(0, CANDIDATE_FILES);
  const best = files[0]?.score ?? 0;
  if (best <= 0) return [];
  const chunkScore = new Map<string, number>();
  for (const chunk of ranking.chunks) {
    for (const symbol of chunk.symbols) {
      const key = `${chunk.path}\0${symbol}`;
      chunkScore.set(key, Math.max(chunkScore.get(key) ?? 0, chunk.score));
    }
  }
  const { identifiers, titleIdentifiers } = ranking.clues;
  const mention = (name: string): number =>
    titleIdentifiers.has(name) ? 2 : identifiers.has(name) ? 1 : 0;
  const statement = cachedStatement(
    db,
    `SELECT name, kind, start_line, end_line, container FROM definitions WHERE path = ?`,
  );
  const ranked: RankedSymbol[] = [];
  for (const file of files) {
    for (const row of statement.all(file.path) as DefinitionRow[]) {
      const score =
        file.score / best +
        (chunkScore.get(`${file.path}\0${row.name}`) ?? 0) +
        mention(row.name) +
        (row.container === null ? 0 : mention(row.container) / 2);
      ranked.push({
        path: file.path,
        name: row.name,
        kind: row.kind,
        startLine: row.start_line,
        endLine: row.end_line,
        ...(row.container === null ? {} : { container: row.container }),
        score,
      });
    }
  }
  return ranked.sort((left, right) => right.score - left.score).slice(0, limit);
}
