import { realpathSync } from 'node:fs';
import type { EmbeddingModel } from '@outpost/protocol';
import { embedChunks, semanticFileScores } from '../semantic/chunk-vectors.js';
import * as path from 'node:path';
import { readTextFile } from '../../project/file-kind.js';
import type { ReadTextFile } from './file-analysis.js';
import type { CreateFileAnalyzer } from './file-analyzer.js';
import {
  type BuildOptions,
  type EmbeddingPassResult,
  type IndexBuildResult,
  buildIndex,
  countIndex,
} from './index-build.js';
import { openIndexDatabase, readMeta } from './index-database.js';
import {
  type ReferenceLocation,
  type SearchHit,
  type SymbolLocation,
  definitionsInFile,
  findSymbolIn,
  referencesIn,
  searchIndex,
} from './index-queries.js';
import { isIndexStale, isIndexStaleByKnownFiles } from './index-staleness.js';
import { type RankOptions, type RankedFile, rankFilesIn } from './file-ranking.js';
import { type RankingData, loadRankingData } from './ranking-data.js';
import { type RankedSymbol, rankSymbolsIn } from './symbol-ranking.js';
import type { SymbolExtractor } from './symbol-types.js';

export type {
  BuildOptions,
  EmbeddingPassResult,
  IndexBuildResult,
  IndexProgress,
  SkippedFile,
} from './index-build.js';
export type { ReferenceLocation, SearchHit, SymbolLocation } from './index-queries.js';
export type { SymbolExtractor } from './symbol-types.js';
export type {
  AnalyzeRequest,
  AnalyzerSetup,
  CreateFileAnalyzer,
  FileAnalyzer,
} from './file-analyzer.js';
export type { FileAnalysis } from './file-analysis.js';
export type { RankOptions, RankedFile, RankingSignal } from './file-ranking.js';
export type { RankedSymbol } from './symbol-ranking.js';

/** Files larger than this are skipped as `too-large` unless the caller says otherwise. */
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** How to open a project's code index. */
export interface CodeIndexOptions {
  projectRoot: string;
  /** The SQLite file (see {@link codeIndexPath}); created if missing. */
  indexPath: string;
  extractor: SymbolExtractor;
  /** Default 1 MB. */
  maxFileBytes?: number;
  /** Reads a file as text; defaults to `readTextFile` (tests inject failures). */
  readFile?: ReadTextFile;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: () => number;
  /**
   * Reads and parses changed files during a build; defaults to this thread with `extractor` and
   * `readFile`. `createParallelAnalyzer` (`code-index/parallel/`) uses worker threads.
   */
  createAnalyzer?: CreateFileAnalyzer;
  /**
   * Optional semantic signal: when given, every build ends by embedding the chunks that have no
   * vector from this model yet, and `semanticScores` ranks files by meaning.
   */
  embeddings?: EmbeddingModel;
}

/** Similarity of files to a query (cosine of their best chunk), best first. */
export type SemanticScores = ReadonlyMap<string, number>;

/** Files the semantic signal considers per query. */
const SEMANTIC_FILES = 20;

/** What the index holds. */
export interface CodeIndexStatus {
  files: number;
  symbols: number;
  chunks: number;
  /** When the last complete build finished; undefined before the first one. */
  builtAt: number | undefined;
  /** Only computed when asked with `checkStale` (stat of the indexed files; no listing). */
  stale: boolean | undefined;
}

/**
 * A project's code index: files chunked by symbol, full-text searchable with BM25, plus
 * definitions and references by name. Derived data in its own SQLite file, never synced.
 */
export interface CodeIndex {
  /** Incremental: only new or changed files are read and parsed; gone files are removed. */
  build(options?: BuildOptions): Promise<IndexBuildResult>;
  status(options?: { checkStale?: boolean }): CodeIndexStatus;
  /** Whether any file was added, removed or changed since the last complete build. */
  isStale(): Promise<boolean>;
  /** BM25 over paths, symbol names and chunk text; any text is a valid query. */
  search(query: string, options?: { limit?: number }): SearchHit[];
  /**
   * The files most likely to need a change for free text (an issue, a stack trace), best first:
   * lexical matches combined with quoted identifiers, paths and frames, the symbol graph and
   * test↔source pairing (`file-ranking.ts`); `signals` says what each added.
   */
  rankFiles(query: string, options?: RankOptions): RankedFile[];
  /**
   * Files by their best chunk's similarity to the query, with the embedding model the index was
   * opened with; undefined without one, or before any chunk has a vector. Pass the result to
   * `rankFiles` / `rankSymbols` as `semantic`.
   */
  semanticScores(
    query: string,
    options?: { signal?: AbortSignal },
  ): Promise<SemanticScores | undefined>;
  /** The definitions most likely to need a change, from the best-ranked files. */
  rankSymbols(query: string, options?: RankOptions): RankedSymbol[];
  findSymbol(name: string): SymbolLocation[];
  /** The definitions of one indexed file (project-relative path), in source order. */
  definitionsIn(path: string): SymbolLocation[];
  references(name: string): ReferenceLocation[];
  close(): void;
}

/**
 * Opens (creating, or rebuilding after a schema change) the index of one project. Builds on one
 * `CodeIndex` run one at a time: a second `build()` waits for the first.
 */
export function openCodeIndex(options: CodeIndexOptions): CodeIndex {
  const projectRoot = resolveRoot(options.projectRoot);
  const db = openIndexDatabase(options.indexPath);
  const { extractor } = options;
  const readFile = options.readFile ?? readTextFile;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const context = {
    db,
    projectRoot,
    extractor,
    maxFileBytes,
    readFile,
    clock: options.clock ?? Date.now,
    ...(options.createAnalyzer === undefined ? {} : { createAnalyzer: options.createAnalyzer }),
  };
  let previousBuild: Promise<unknown> = Promise.resolve();
  // Whole-project data for ranking (file list, symbol graph), loaded on first use after a build.
  let rankingData: RankingData | undefined;
  const ranking = (): RankingData => (rankingData ??= loadRankingData(db));
  const rank = (query: string, rankOptions: RankOptions | undefined, limit: number) =>
    rankFilesIn(db, ranking(), extractor.identifierWords, query, { ...rankOptions, limit });

  return {
    build(buildOptions) {
      const runBuild = async () => {
        try {
          const result = await buildIndex(context, buildOptions);
          if (options.embeddings === undefined) return result;
          return { ...result, embedding: await embed(options.embeddings, db, buildOptions) };
        } finally {
          rankingData = undefined;
        }
      };
      const run = previousBuild.then(runBuild, runBuild);
      previousBuild = run.catch(() => {
        // The caller of that build gets its error; the next build starts regardless.
      });
      return run;
    },
    status(statusOptions) {
      const builtAt = readMeta(db, 'built_at');
      return {
        ...countIndex(db),
        builtAt: builtAt === undefined ? undefined : Number(builtAt),
        stale:
          statusOptions?.checkStale === true
            ? isIndexStaleByKnownFiles(db, projectRoot)
            : undefined,
      };
    },
    isStale: () => isIndexStale(db, projectRoot, readFile, maxFileBytes),
    search: (query, searchOptions) =>
      searchIndex(db, extractor.identifierWords, query, searchOptions?.limit),
    rankFiles: (query, rankOptions) => rank(query, rankOptions, rankOptions?.limit ?? 20).files,
    rankSymbols: (query, rankOptions) =>
      rankSymbolsIn(db, rank(query, rankOptions, 10), rankOptions?.limit ?? 20),
    async semanticScores(query, scoreOptions) {
      if (options.embeddings === undefined) return undefined;
      const scores = await semanticFileScores(db, options.embeddings, query, {
        limit: SEMANTIC_FILES,
        ...(scoreOptions?.signal === undefined ? {} : { signal: scoreOptions.signal }),
      });
      return scores.length === 0
        ? undefined
        : new Map(scores.map((item) => [item.path, item.score]));
    },
    findSymbol: (name) => findSymbolIn(db, name),
    definitionsIn: (filePath) => definitionsInFile(db, filePath),
    references: (name) => referencesIn(db, name),
    close: () => db.close(),
  };
}

/**
 * The embedding pass of a build. A model that fails (its server stopped, say) does not fail the
 * build: the lexical index is complete and useful, and the result says what went wrong.
 */
async function embed(
  model: EmbeddingModel,
  db: Parameters<typeof embedChunks>[0],
  buildOptions: BuildOptions | undefined,
): Promise<EmbeddingPassResult> {
  const report = buildOptions?.onProgress;
  try {
    const result = await embedChunks(db, model, {
      ...(buildOptions?.signal === undefined ? {} : { signal: buildOptions.signal }),
      ...(report === undefined
        ? {}
        : { onProgress: (progress) => report({ phase: 'embedding', ...progress }) }),
    });
    return { model: model.modelId, embedded: result.embedded, vectors: result.vectors };
  } catch (error) {
    buildOptions?.signal?.throwIfAborted();
    return { model: model.modelId, error: error instanceof Error ? error.message : String(error) };
  }
}

function resolveRoot(projectRoot: string): string {
  try {
    return realpathSync(projectRoot);
  } catch {
    // Listing the project will report the missing root; keep its absolute path until then.
    return path.resolve(projectRoot);
  }
}
