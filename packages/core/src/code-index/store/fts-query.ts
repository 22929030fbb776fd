type IdentifierWords = (identifier: string) => string[];

/** Enough terms for a long question or a stack trace; more only slows the query down. */
const MAX_TERMS = 48;
/** Runs of letters, digits and underscores: everything else in a query is a separator. */
const TOKEN_PATTERN = /[\p{L}\p{N}_]+/gu;

/**
 * Turns free text into an FTS5 MATCH expression that cannot be a syntax error: the text is cut
 * into identifiers, each identifier into its words (`parseHttp` → `parse`, `http`), every term is
 * quoted as an FTS5 string (so `AND`, `NEAR`, `:`, `*`, `(` and quotes mean nothing) and the terms
 * are OR-ed, leaving the ranking to BM25. Returns undefined when the text has no words at all.
 */
export function buildMatchExpression(
  query: string,
  identifierWords: IdentifierWords,
  maxTerms = MAX_TERMS,
): string | undefined {
  const terms = new Set<string>();
  for (const match of query.matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    // The whole identifier too: it is one token in the indexed text (`parsehttpresponse`).
    const candidates = token.includes('_') ? [] : [token];
    candidates.push(...identifierWords(token));
    for (const candidate of candidates) {
      const term = candidate.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
      if (term !== '') terms.add(term);
    }
    if (terms.size >= maxTerms) break;
  }
  if (terms.size === 0) return undefined;
  return [...terms]
    .slice(0, maxTerms)
    .map((term) => `"${term.replace(/"/g, '""')}"`)
    .join(' OR ');
}
