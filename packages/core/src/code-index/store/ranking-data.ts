import type { IndexDatabase } from './index-database.js';
import { type SymbolGraph, buildSymbolGraph } from './symbol-graph.js';

/** What ranking needs about the whole project, computed once per build (see `code-index.ts`). */
export interface RankingData {
  /** Indexed (not skipped) files and their language (undefined: not code we parse). */
  languages: Map<string, string | undefined>;
  /** Files by their name without directories (`basic.py` → `sympy/core/basic.py`, …). */
  byName: Map<string, string[]>;
  /** Files by their name without directories and extension (`basic` → `sympy/core/basic.py`). */
  byStem: Map<string, string[]>;
  graph: SymbolGraph;
}

export function loadRankingData(db: IndexDatabase): RankingData {
  const rows = db.prepare('SELECT path, language FROM files WHERE skip_reason IS NULL').all() as {
    path: string;
    language: string | null;
  }[];
  const languages = new Map<string, string | undefined>();
  const byName = new Map<string, string[]>();
  const byStem = new Map<string, string[]>();
  for (const row of rows) {
    languages.set(row.path, row.language ?? undefined);
    const name = baseName(row.path);
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [row.path]);
    else list.push(row.path);
    const stem = name.replace(/\.\w+$/, '');
    const stemList = byStem.get(stem);
    if (stemList === undefined) byStem.set(stem, [row.path]);
    else stemList.push(row.path);
  }
  return { languages, byName, byStem, graph: buildSymbolGraph(db) };
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Documentation, examples, benchmarks and maintenance scripts: code, but not where a reported
 * bug is usually fixed (`docs/conf.py`, `examples/basic.py`, `scripts/release.py`).
 */
export function isAuxiliaryPath(path: string): boolean {
  return /(^|\/)(docs?|documentation|examples?|samples?|demos?|bench|benchmarks?|changelog|scripts|\.github)\//i.test(
    path,
  );
}

/** `tests/test_basic.py`, `foo_test.go`, `foo.test.ts`, `foo.spec.js`, `conftest.py`, … */
export function isTestPath(path: string): boolean {
  const name = baseName(path);
  if (/^test_|_test\.\w+$|^tests?\.\w+$|\.(test|spec)\.\w+$|^conftest\.py$/.test(name)) return true;
  return /(^|\/)(tests?|testing|__tests__|spec)\//.test(path);
}

/**
 * The source a test file tests, by name: `test_foo.py` / `foo_test.go` / `foo.test.ts` →
 * files named `foo.<ext>` that are not tests, the ones sharing the longest directory prefix with
 * the test first. Empty when the name says nothing.
 */
export function sourcesOfTest(testPath: string, data: RankingData): string[] {
  const name = baseName(testPath);
  const match =
    /^test_(.+)(\.\w+)$/.exec(name) ?? /^(.+?)(?:_test|\.test|\.spec)(\.\w+)$/.exec(name);
  if (match === null) return [];
  const sourceName = `${match[1] ?? ''}${match[2] ?? ''}`;
  const candidates = (data.byName.get(sourceName) ?? []).filter((path) => !isTestPath(path));
  if (candidates.length <= 1) return candidates;
  const shared = (path: string): number => {
    const left = testPath.split('/');
    const right = path.split('/');
    let count = 0;
    while (count < left.length && count < right.length && left[count] === right[count]) count += 1;
    return count;
  };
  const best = Math.max(...candidates.map(shared));
  return candidates.filter((path) => shared(path) === best);
}

/**
 * Indexed files a quoted path may mean: the path itself, or files whose path ends with the
 * longest run of its trailing segments (an absolute path from another machine, a path relative
 * to a package directory). A bare file name counts only when few files have it.
 */
export function resolveQuotedPath(quoted: string, data: RankingData): string[] {
  const segments = quoted.split('/').filter((segment) => segment !== '' && segment !== '.');
  const name = segments[segments.length - 1];
  if (name === undefined) return [];
  const candidates = data.byName.get(name) ?? [];
  if (candidates.length === 0) return [];
  let best = 0;
  let matches: string[] = [];
  for (const candidate of candidates) {
    const parts = candidate.split('/');
    let common = 0;
    while (
      common < parts.length &&
      common < segments.length &&
      parts[parts.length - 1 - common] === segments[segments.length - 1 - common]
    ) {
      common += 1;
    }
    if (common > best) {
      best = common;
      matches = [candidate];
    } else if (common === best) {
      matches.push(candidate);
    }
  }
  if (best === 1 && matches.length > 3) return [];
  return matches;
}
