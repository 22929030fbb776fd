const wordPattern = /\p{Lu}+(?!\p{Ll})\p{Nd}*|\p{Lu}?\p{Ll}+\p{Nd}*|\p{Nd}+|[\p{Lo}\p{Lm}]+/gu;

/**
 * Splits an identifier into lowercase words for full-text search, at case changes and at
 * separators, keeping digits with the word before them: `parseHTTPResponse` → parse, http,
 * response; `snake_case_name` → snake, case, name; `Foo2Bar` → foo2, bar; `__init__` → init.
 */
export function identifierWords(identifier: string): string[] {
  return Array.from(identifier.matchAll(wordPattern), (match) => match[0].toLowerCase());
}
