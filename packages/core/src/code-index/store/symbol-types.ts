import type { CodeChunk } from '../symbols/chunk-by-symbols.js';
import type { CodeLanguage } from '../symbols/code-language.js';
import type { FileSymbols } from '../symbols/file-symbols.js';

export type { CodeChunk } from '../symbols/chunk-by-symbols.js';
export type { CodeLanguage } from '../symbols/code-language.js';
export type { FileSymbols, SymbolDefinition, SymbolReference } from '../symbols/file-symbols.js';

/**
 * The extractor's functions (`code-index/symbols/`), injected into `openCodeIndex`: the store
 * depends on this interface, and tests inject a small stand-in.
 */
export interface SymbolExtractor {
  /** The language of a file from its name, or undefined when it is not code we parse. */
  languageOfPath: (path: string) => CodeLanguage | undefined;
  extractSymbols: (language: CodeLanguage, source: string) => Promise<FileSymbols>;
  chunkBySymbols: (source: string, symbols: FileSymbols) => CodeChunk[];
  /** `parseHttpResponse` → `['parse', 'http', 'response']`; `parse_http` → `['parse', 'http']`. */
  identifierWords: (identifier: string) => string[];
}
