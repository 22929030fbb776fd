// The code index, a separate entry point (`@outpost/core/code-index`): commands that do not
// index never load it, which keeps start-up short (docs/architecture/prompt.md).
export { chunkBySymbols } from './symbols/chunk-by-symbols.js';
export type { CodeChunk } from './symbols/chunk-by-symbols.js';
export { languageOfPath } from './symbols/code-language.js';
export type { CodeLanguage } from './symbols/code-language.js';
export { extractSymbols } from './symbols/extract-symbols.js';
export type { FileSymbols, SymbolDefinition, SymbolReference } from './symbols/file-symbols.js';
export { identifierWords } from './symbols/identifier-words.js';
export { openCodeIndex } from './store/code-index.js';
export type {
  CodeIndex,
  CodeIndexOptions,
  CodeIndexStatus,
  EmbeddingPassResult,
  IndexBuildResult,
  IndexProgress,
  RankOptions,
  RankedFile,
  RankedSymbol,
  RankingSignal,
  SearchHit,
  SemanticScores,
  SymbolExtractor,
} from './store/code-index.js';
export { codeIndexPath } from './store/code-index-path.js';
export { createParallelAnalyzer } from './parallel/parallel-analyzer.js';
export type { ParallelAnalyzerOptions } from './parallel/parallel-analyzer.js';
export type {
  AnalyzeRequest,
  AnalyzerSetup,
  CreateFileAnalyzer,
  FileAnalyzer,
} from './store/code-index.js';
export { builtInExtractor } from './parallel/built-in-extractor.js';
export { openProjectCodeIndex } from './parallel/open-project-index.js';
