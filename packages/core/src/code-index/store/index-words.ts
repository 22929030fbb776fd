/**
 * The words the full-text index holds for a chunk. FTS5's `unicode61` tokenizer keeps
 * `parseHttpResponse` as one token and splits `parse_http` at the underscore, so identifiers are
 * also stored split into their words: a query for `parse_http` or `http response` then finds
 * `parseHttpResponse`.
 */

type IdentifierWords = (identifier: string) => string[];

/** Runs of letters, digits and underscores: identifiers and plain words alike. */
const IDENTIFIER_PATTERN = /[\p{L}\p{N}_]+/gu;
/** An identifier worth splitting: it has an underscore or a lower-to-upper case change. */
const COMPOUND_PATTERN = /_|\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u;

/** The words of a path: each segment as written (`parseResponse.ts`) plus its identifier words. */
export function pathWords(relativePath: string, identifierWords: IdentifierWords): string {
  return wordsOf([relativePath], identifierWords, true);
}

/** The words of symbol names: each name as written plus its identifier words. */
export function symbolWords(names: readonly string[], identifierWords: IdentifierWords): string {
  return wordsOf(names, identifierWords, true);
}

/**
 * The words added after a chunk's text: the identifier words of each compound identifier in it
 * (the text itself is indexed as written, so plain words need nothing more).
 */
export function textExtraWords(text: string, identifierWords: IdentifierWords): string {
  return wordsOf([text], identifierWords, false);
}

/** Identifiers recur across a project's files: each splitter keeps its recent splits. */
const SPLIT_CACHE_LIMIT = 50_000;
const splitCaches = new WeakMap<IdentifierWords, Map<string, readonly string[]>>();

/** The lowercase words of a compound identifier, none for a plain word. */
function compoundWords(token: string, identifierWords: IdentifierWords): readonly string[] {
  let cache = splitCaches.get(identifierWords);
  if (cache === undefined) {
    cache = new Map();
    splitCaches.set(identifierWords, cache);
  }
  let words = cache.get(token);
  if (words === undefined) {
    words = COMPOUND_PATTERN.test(token)
      ? identifierWords(token)
          .filter((word) => word !== '')
          .map((word) => word.toLowerCase())
      : [];
    if (cache.size >= SPLIT_CACHE_LIMIT) cache.clear();
    cache.set(token, words);
  }
  return words;
}

function wordsOf(
  texts: readonly string[],
  identifierWords: IdentifierWords,
  includeTokens: boolean,
): string {
  const words = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(IDENTIFIER_PATTERN)) {
      const token = match[0];
      if (includeTokens) words.add(token.toLowerCase());
      for (const word of compoundWords(token, identifierWords)) words.add(word);
    }
  }
  return [...words].join(' ');
}
