import type { FileAnalysis, ReadTextFile, SkipReason } from './file-analysis.js';
import { type CreateFileAnalyzer, type FileAnalyzer, inProcessAnalyzer } from './file-analyzer.js';
import { type ChangedFile, loadStoredFiles, scanProject } from './file-scan.js';
import { mapConcurrently } from './concurrent-map.js';
import { type IndexDatabase, writeMeta } from './index-database.js';
import { createIndexWriter } from './index-writer.js';
import type { SymbolExtractor } from './symbol-types.js';

/** Files written per transaction: a crash or an abort loses at most one batch of work. */
const BATCH_FILES = 100;

/**
 * Where a build is; `done`/`total` count stat-ed files while scanning, changed files while
 * indexing, and chunks while embedding (only with an embedding model, after `done`).
 */
export interface IndexProgress {
  phase: 'scanning' | 'indexing' | 'done' | 'embedding';
  done: number;
  total: number;
  path?: string;
}

/** A file the build left out, and why. */
export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** For `unreadable` the error message, for `too-large` the size and limit. */
  detail?: string;
}

/** What one build did. */
export interface IndexBuildResult {
  /** Files searchable in the index after the build (`indexed + unchanged`). */
  files: number;
  /** Files read and parsed this run (new or changed content). */
  indexed: number;
  /** Files whose content was already indexed. */
  unchanged: number;
  /** Files dropped from the index because they left the project (or became vendored). */
  removed: number;
  skipped: SkippedFile[];
  /** Definitions in the index after the build. */
  symbols: number;
  /** Chunks in the index after the build. */
  chunks: number;
  durationMs: number;
  /** The embedding pass, when the index has an embedding model (`CodeIndexOptions.embeddings`). */
  embedding?: EmbeddingPassResult;
}

/** What embedding the chunks did; `error` when the model failed (the index is complete anyway). */
export type EmbeddingPassResult =
  { model: string; embedded: number; vectors: number } | { model: string; error: string };

/** Everything a build needs besides its per-call options. */
export interface BuildContext {
  db: IndexDatabase;
  projectRoot: string;
  extractor: SymbolExtractor;
  maxFileBytes: number;
  readFile: ReadTextFile;
  clock: () => number;
  /** Reads and parses files; defaults to {@link inProcessAnalyzer} with `extractor`. */
  createAnalyzer?: CreateFileAnalyzer;
}

/** Per-call options of a build. */
export interface BuildOptions {
  onProgress?: (progress: IndexProgress) => void;
  /** Stops the build between files; what was committed stays, the next build does the rest. */
  signal?: AbortSignal;
}

/**
 * Brings the index up to date with the project: removes files that are gone, re-indexes files
 * whose size, time and then content hash changed, and leaves the rest alone. Changes are
 * committed in batches of {@link BATCH_FILES} files, so the index is consistent after a crash or
 * an abort (rejecting with the signal's reason); `built_at` is only set by a complete build.
 */
export async function buildIndex(
  context: BuildContext,
  options: BuildOptions = {},
): Promise<IndexBuildResult> {
  const { db, clock } = context;
  const { signal } = options;
  const report = options.onProgress ?? (() => undefined);
  const startedAt = clock();
  signal?.throwIfAborted();
  report({ phase: 'scanning', done: 0, total: 0 });
  const scan = await scanProject(context.projectRoot, loadStoredFiles(db), {
    signal,
    onStat: (done, total) => report({ phase: 'scanning', done, total }),
  });
  const writer = createIndexWriter(db);
  db.transaction(() => {
    writeMeta(db, 'build_complete', '0');
    for (const relativePath of scan.removed) writer.remove(relativePath);
  }).immediate();

  const skipped: SkippedFile[] = scan.vendored.map((path) => ({ path, reason: 'vendored' }));
  let unchanged = 0;
  for (const row of scan.unchanged) {
    if (row.skip_reason === null) unchanged += 1;
    else skipped.push(skippedFromRow(row.path, row.skip_reason, row.skip_detail));
  }
  let indexed = 0;
  let done = 0;
  const total = scan.changed.length;
  // Written in batches as analyses complete, so the analyzer's threads keep parsing while this
  // one writes.
  let pending: { analysis: FileAnalysis; known: boolean }[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const indexedAt = clock();
    const batch = pending;
    pending = [];
    db.transaction(() => {
      for (const { analysis, known } of batch) writer.write(analysis, indexedAt, known);
    }).immediate();
    for (const { analysis } of batch) {
      if (analysis.kind === 'parsed') indexed += 1;
      else if (analysis.kind === 'same-content') unchanged += 1;
      else {
        const { path, reason, detail } = analysis;
        skipped.push(detail === undefined ? { path, reason } : { path, reason, detail });
      }
    }
  };
  if (total > 0) {
    const analyzer = (
      context.createAnalyzer ?? inProcessAnalyzer(context.extractor, context.readFile)
    )({ projectRoot: context.projectRoot, maxFileBytes: context.maxFileBytes, files: total });
    try {
      await mapConcurrently(
        scan.changed,
        analyzer.concurrency,
        (file) => analyze(analyzer, file, signal),
        (analysis, file) => {
          done += 1;
          report({ phase: 'indexing', done, total, path: file.path });
          if (analysis === undefined) return;
          pending.push({ analysis, known: file.stored !== undefined });
          if (pending.length >= BATCH_FILES) flush();
        },
      );
      flush();
    } finally {
      await analyzer.close();
    }
  }
  signal?.throwIfAborted();
  const finishedAt = clock();
  db.transaction(() => {
    writeMeta(db, 'build_complete', '1');
    writeMeta(db, 'built_at', String(finishedAt));
  }).immediate();
  const counts = countIndex(db);
  report({ phase: 'done', done, total });
  return {
    files: counts.files,
    indexed,
    unchanged,
    removed: scan.removed.length,
    skipped: skipped.sort((left, right) => left.path.localeCompare(right.path)),
    symbols: counts.symbols,
    chunks: counts.chunks,
    durationMs: finishedAt - startedAt,
  };
}

/** How many searchable files, definitions and chunks the index holds. */
export function countIndex(db: IndexDatabase): { files: number; symbols: number; chunks: number } {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM files WHERE skip_reason IS NULL) AS files,
              (SELECT count(*) FROM definitions) AS symbols,
              (SELECT count(*) FROM chunks) AS chunks`,
    )
    .get() as { files: number; symbols: number; chunks: number };
  return row;
}

/** Undefined once the build is aborted: files not read yet are left for the next build. */
async function analyze(
  analyzer: FileAnalyzer,
  file: ChangedFile,
  signal: AbortSignal | undefined,
): Promise<FileAnalysis | undefined> {
  if (signal?.aborted === true) return undefined;
  return analyzer.analyze({
    relativePath: file.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
    storedHash: file.stored?.skip_reason === null ? (file.stored.hash ?? undefined) : undefined,
  });
}

function skippedFromRow(path: string, reason: string, detail: string | null): SkippedFile {
  const known = reason as SkipReason;
  return detail === null ? { path, reason: known } : { path, reason: known, detail };
}
