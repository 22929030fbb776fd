import { type FileAnalysis, type ReadTextFile, analyzeFile } from './file-analysis.js';
import type { SymbolExtractor } from './symbol-types.js';

/** One file the build wants analysed. */
export interface AnalyzeRequest {
  /** Project-relative, `/` separators. */
  relativePath: string;
  size: number;
  mtimeMs: number;
  /** The content hash the index holds for this path, if any. */
  storedHash: string | undefined;
}

/** What every analysis of one build shares. */
export interface AnalyzerSetup {
  projectRoot: string;
  maxFileBytes: number;
  /** How many files the build will ask for: a few are not worth starting threads for. */
  files: number;
}

/**
 * Reads and parses files for a build: in this thread, or in worker threads
 * (`code-index/parallel/`). Never rejects for a file's content (see {@link analyzeFile}).
 */
export interface FileAnalyzer {
  /** How many analyses are worth having in flight at once. */
  readonly concurrency: number;
  analyze(request: AnalyzeRequest): Promise<FileAnalysis>;
  /** Releases threads; the analyzer is not used after. */
  close(): Promise<void>;
}

export type CreateFileAnalyzer = (setup: AnalyzerSetup) => FileAnalyzer;

/** Files read and parsed at once in this thread: enough to overlap reads with parsing. */
const IN_PROCESS_CONCURRENCY = 8;

/** Analyses files in the calling thread with the given extractor. */
export function inProcessAnalyzer(
  extractor: SymbolExtractor,
  readFile: ReadTextFile,
): CreateFileAnalyzer {
  return (setup) => ({
    concurrency: IN_PROCESS_CONCURRENCY,
    analyze: (request) =>
      analyzeFile({
        ...request,
        projectRoot: setup.projectRoot,
        maxFileBytes: setup.maxFileBytes,
        extractor,
        readFile,
      }),
    close: () => Promise.resolve(),
  });
}
