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

function wordsOf(
  texts: readonly string[],
  identifierWords: IdentifierWords,
  includeTokens: boolean,
): string {
  const words = new Set<string>();
  // A name repeated in a chunk is split once.
  const splitAlready = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(IDENTIFIER_PATTERN)) {
      const token = match[0];
      if (includeTokens) words.add(token.toLowerCase());
      if (splitAlready.has(token) || !COMPOUND_PATTERN.test(token)) continue;
      splitAlready.add(token);
      for (const word of identifierWords(token)) {
        if (word !== '') words.add(word.toLowerCase());
      }
    }
  }
  return [...words].join(' ');
}
