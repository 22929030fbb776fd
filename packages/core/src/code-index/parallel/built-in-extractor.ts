import type { SymbolExtractor } from '../store/symbol-types.js';
import { chunkBySymbols } from '../symbols/chunk-by-symbols.js';
import { languageOfPath } from '../symbols/code-language.js';
import { extractSymbols } from '../symbols/extract-symbols.js';
import { identifierWords } from '../symbols/identifier-words.js';

/** The tree-sitter extractor of `code-index/symbols/`, as the store's interface. */
export const builtInExtractor: SymbolExtractor = {
  languageOfPath,
  extractSymbols,
  chunkBySymbols,
  identifierWords,
};
