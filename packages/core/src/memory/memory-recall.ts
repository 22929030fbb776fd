import { posix } from 'node:path';
import { identifierWords } from '../code-index/symbols/identifier-words.js';
import { normalizeMemoryPath } from './memory-validation.js';
import type { MemoryRecord, RecallContext, RecallHit } from './memory-types.js';

/**
 * Recall without a language model (docs/architecture/memory.md): BM25 over the words of a record's
 * title (weighted 3), tags (2) and body (1), identifiers split at case changes and underscores;
 * plus a boost for records about the files of the current work (same file 3, same directory 1.5)
 * and for records that mention its symbols (2 each, at most 2 symbols).
 */

export const RECALL_WEIGHTS = {
  title: 3,
  tags: 2,
  body: 1,
  sameFile: 3,
  sameDirectory: 1.5,
  symbol: 2,
  symbolsCounted: 2,
} as const;

/** BM25 term-frequency saturation and length normalisation (the usual values). */
const k1 = 1.2;
const b = 0.75;
const tokenPattern = /[\p{L}\p{N}_$]+/gu;
const stopWords = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in into is it its ' +
    'not of on or so that the their then there these this to use used was we were what when ' +
    'where which while who why will with you'
  ).split(' '),
);

/** Plural and verb `s` endings folded away, so `migrations` finds `migration`. */
function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The search terms of a text: each word lowercased and folded, and each identifier both whole and
 * split into its words (`parseHttpHeader` → parsehttpheader, parse, http, header).
 */
export function memoryTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [token] of text.matchAll(tokenPattern)) {
    const parts = identifierWords(token);
    if (parts.length > 1) terms.push(fold(token.toLowerCase()));
    terms.push(...parts.map(fold));
  }
  return terms.filter((term) => term.length > 1 && !stopWords.has(term));
}

interface Document {
  record: MemoryRecord;
  /** Weighted term frequencies. */
  frequencies: Map<string, number>;
  length: number;
  /** Every token of its text, lowercased and whole, for symbol mentions. */
  tokens: Set<string>;
}

function toDocument(record: MemoryRecord): Document {
  const frequencies = new Map<string, number>();
  let length = 0;
  const fields: [string, number][] = [
    [record.title, RECALL_WEIGHTS.title],
    [record.tags.join(' '), RECALL_WEIGHTS.tags],
    [record.body, RECALL_WEIGHTS.body],
  ];
  const tokens = new Set<string>();
  for (const [text, weight] of fields) {
    for (const term of memoryTerms(text)) {
      frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
      length += weight;
    }
    for (const [token] of text.matchAll(tokenPattern)) tokens.add(token.toLowerCase());
  }
  return { record, frequencies, length, tokens };
}

/** How close a record's paths are to the paths of the current work. */
function pathBoost(recordPaths: readonly string[], contextPaths: readonly string[]): number {
  let best = 0;
  for (const path of recordPaths) {
    for (const other of contextPaths) {
      if (path === other) return RECALL_WEIGHTS.sameFile;
      const related =
        other.startsWith(`${path}/`) ||
        path.startsWith(`${other}/`) ||
        (posix.dirname(path) === posix.dirname(other) && posix.dirname(path) !== '.');
      if (related) best = RECALL_WEIGHTS.sameDirectory;
    }
  }
  return best;
}

/** `symbols`: each symbol as its lowercased tokens (`Store.rebuild` → store, rebuild). */
function symbolBoost(tokens: ReadonlySet<string>, symbols: readonly string[][]): number {
  const mentioned = symbols.filter((parts) => parts.every((part) => tokens.has(part))).length;
  return Math.min(mentioned, RECALL_WEIGHTS.symbolsCounted) * RECALL_WEIGHTS.symbol;
}

/**
 * Ranks `records` for `query` and `context`; a record that matches neither scores 0 and is left
 * out. Ties go to the most recently changed record.
 */
export function rankMemory(
  records: readonly MemoryRecord[],
  query: string,
  options: { context?: RecallContext; limit: number },
): RecallHit[] {
  const queryTerms = [...new Set(memoryTerms(query))];
  const contextPaths = (options.context?.paths ?? []).flatMap((path) => {
    const normalized = normalizeMemoryPath(path);
    return 'path' in normalized ? [normalized.path] : [];
  });
  const symbols = [
    ...new Map(
      (options.context?.symbols ?? []).map((symbol) => {
        const parts = Array.from(symbol.matchAll(tokenPattern), ([token]) => token.toLowerCase());
        return [parts.join('.'), parts] as const;
      }),
    ).values(),
  ].filter((parts) => parts.length > 0);
  const documents = records.map(toDocument);
  const averageLength =
    documents.reduce((sum, document) => sum + document.length, 0) / Math.max(documents.length, 1);
  const inverseFrequency = new Map(
    queryTerms.map((term) => {
      const containing = documents.filter((document) => document.frequencies.has(term)).length;
      const idf = Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
      return [term, idf] as const;
    }),
  );

  const hits = documents.map((document): RecallHit => {
    let score = 0;
    for (const term of queryTerms) {
      const frequency = document.frequencies.get(term) ?? 0;
      if (frequency === 0) continue;
      const normalization = 1 - b + (b * document.length) / (averageLength || 1);
      score +=
        ((inverseFrequency.get(term) ?? 0) * frequency * (k1 + 1)) /
        (frequency + k1 * normalization);
    }
    score += pathBoost(document.record.paths, contextPaths);
    score += symbolBoost(document.tokens, symbols);
    return { record: document.record, score };
  });
  return hits
    .filter((hit) => hit.score > 0)
    .sort(
      (first, second) =>
        second.score - first.score ||
        second.record.updatedAt - first.record.updatedAt ||
        (second.record.id < first.record.id ? -1 : second.record.id > first.record.id ? 1 : 0),
    )
    .slice(0, options.limit);
}
