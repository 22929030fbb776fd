/** Lines of context a snippet shows, starting at the line that matches the query best. */
const SNIPPET_LINES = 3;
/** Characters a snippet line is cut to. */
const SNIPPET_LINE_CHARACTERS = 160;

/**
 * A few lines of a chunk around the line holding the most query terms (the chunk's first lines
 * when none holds one), each cut to a readable width. `terms` are lowercase words.
 */
export function searchSnippet(text: string, terms: readonly string[]): string {
  const lines = text.split('\n');
  let best = 0;
  let bestScore = 0;
  lines.forEach((line, index) => {
    const lower = line.toLowerCase();
    let score = 0;
    for (const term of terms) if (lower.includes(term)) score += term.length;
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return lines
    .slice(best, best + SNIPPET_LINES)
    .map((line) =>
      line.length > SNIPPET_LINE_CHARACTERS ? `${line.slice(0, SNIPPET_LINE_CHARACTERS)}…` : line,
    )
    .join('\n');
}
