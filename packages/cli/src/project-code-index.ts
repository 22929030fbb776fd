import { describeRepoMap } from '@outpost/core';
import type { AgentEvent, CodeSearch, RelatedFile } from '@outpost/core';
import type { CodeIndex, IndexBuildResult, SemanticScores } from '@outpost/core/code-index';
import type { EmbeddingModel } from '@outpost/protocol';

/** The events this module announces (`index.*` in `AgentEvent`). */
export type IndexEvent = Extract<
  AgentEvent,
  { type: 'index.build-progressed' | 'index.updated' | 'index.failed' | 'index.warning' }
>;

/** The project's code index for one session: search_code's answers and each turn's repo map. */
export interface ProjectCodeIndex extends CodeSearch {
  /**
   * The repository map for a new user message, within `tokens` (0: none, without waiting).
   * Waits for the index to be up to date; undefined when there is nothing to show, the index
   * cannot be used, or `signal` aborts the wait.
   */
  repoMap(message: string, tokens: number, signal: AbortSignal): Promise<string | undefined>;
  /** Stops a build still running (what it committed is kept) and closes the index. */
  close(): Promise<void>;
}

export interface ProjectCodeIndexOptions {
  projectRoot: string;
  indexPath: string;
  emit: (event: IndexEvent) => void;
  /** How long a waiting turn stays quiet before progress is reported; default 1,000 ms. */
  quietMs?: number;
  now?: () => number;
  /**
   * Makes the configured embedding model (`"embedding"` in the config), for the semantic signal.
   * If it fails, the index works without it and that is said once (`index.warning`).
   */
  embeddings?: () => Promise<EmbeddingModel>;
}

/** Progress is reported at most this often. */
const PROGRESS_INTERVAL_MS = 100;

interface Outcome {
  index: CodeIndex | undefined;
  /** A build this update ran, until it is announced. */
  build?: IndexBuildResult | undefined;
  failure?: string;
}

/**
 * Opens the project's code index as soon as a session starts and brings it up to date in the
 * background (only files changed since the last build are read again; a first build reads them
 * all), so the first turn's repository map can use it. Later turns check again for changes
 * first. A turn that waits more than about a second reports progress (`index.build-progressed`);
 * a build is announced once it is used (`index.updated`). If the index cannot be used, that is
 * said once (`index.failed`) and the session goes on without it: no map, and search_code
 * searches the files directly.
 */
export function openProjectCodeIndex(options: ProjectCodeIndexOptions): ProjectCodeIndex {
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? 1000;
  const controller = new AbortController();
  let opened: CodeIndex | undefined;
  let updateStartedAt = now();
  let progress = { done: 0, total: 0 };
  let waiters = 0;
  let reporting = false;
  let lastReport = Number.NEGATIVE_INFINITY;
  let failureAnnounced = false;
  let turns = 0;
  /** An update (staleness check and build) is running. */
  let updating = true;

  const report = (force: boolean): void => {
    if (!reporting || waiters === 0 || !updating) return;
    const time = now();
    if (!force && time - lastReport < PROGRESS_INTERVAL_MS && progress.done !== progress.total) {
      return;
    }
    lastReport = time;
    options.emit({ type: 'index.build-progressed', ...progress });
  };

  /** Builds when the index is empty or the project changed since; the build's result if one ran. */
  const update = async (index: CodeIndex): Promise<IndexBuildResult | undefined> => {
    progress = { done: 0, total: 0 };
    if (index.status().builtAt !== undefined && !(await index.isStale())) return undefined;
    return index.build({
      signal: controller.signal,
      onProgress: (step) => {
        if (step.phase !== 'indexing') return;
        progress = { done: step.done, total: step.total };
        report(false);
      },
    });
  };

  const failed = (error: unknown): Outcome => {
    opened?.close();
    opened = undefined;
    return { index: undefined, failure: (error as Error).message };
  };

  const warnings = new Set<string>();
  const warn = (message: string): void => {
    if (warnings.has(message)) return;
    warnings.add(message);
    options.emit({ type: 'index.warning', message });
  };
  let embeddingModelMade: EmbeddingModel | undefined;
  const embeddingModel = async (): Promise<EmbeddingModel | undefined> => {
    if (options.embeddings === undefined) return undefined;
    try {
      embeddingModelMade = await options.embeddings();
      return embeddingModelMade;
    } catch (error) {
      warn(
        `The embedding model could not be used (${(error as Error).message}); the code index ranks without it.`,
      );
      return undefined;
    }
  };
  /** Similarity scores for the semantic signal; undefined without a model or when it fails. */
  const semanticScores = async (
    index: CodeIndex,
    text: string,
  ): Promise<SemanticScores | undefined> => {
    try {
      return await index.semanticScores(text);
    } catch (error) {
      warn(
        `The embedding model did not answer (${(error as Error).message}); the code index ranks without it.`,
      );
      return undefined;
    }
  };

  let current: Promise<Outcome> = (async (): Promise<Outcome> => {
    const codeIndex = await import('@outpost/core/code-index');
    const embeddings = await embeddingModel();
    opened = codeIndex.openProjectCodeIndex({
      projectRoot: options.projectRoot,
      indexPath: options.indexPath,
      ...(embeddings === undefined ? {} : { embeddings }),
    });
    return { index: opened, build: await update(opened) };
  })()
    .catch(failed)
    .finally(() => (updating = false));

  const refresh = (): void => {
    updateStartedAt = now();
    updating = true;
    current = current
      .then(async (outcome): Promise<Outcome> => {
        if (outcome.index === undefined || controller.signal.aborted) return outcome;
        try {
          // A build nobody has used yet is still announced when this one found nothing to do.
          return { index: outcome.index, build: (await update(outcome.index)) ?? outcome.build };
        } catch (error) {
          return failed(error);
        }
      })
      .finally(() => (updating = false));
  };

  /** The index once the current update is done (undefined if unusable or `signal` aborted). */
  const settle = async (signal?: AbortSignal): Promise<CodeIndex | undefined> => {
    const pending = current;
    waiters += 1;
    const startReporting = () => {
      reporting = true;
      report(true);
    };
    // Quiet for the first second of an update: most finish sooner.
    const quietLeft = quietMs - (now() - updateStartedAt);
    const timer = quietLeft > 0 ? setTimeout(startReporting, quietLeft) : undefined;
    if (timer === undefined) startReporting();
    let outcome: Outcome | undefined;
    try {
      outcome = await untilAborted(pending, signal);
    } finally {
      clearTimeout(timer);
      waiters -= 1;
      if (waiters === 0) reporting = false;
    }
    if (outcome === undefined) return undefined;
    announce(outcome);
    return outcome.index;
  };

  const announce = (outcome: Outcome): void => {
    if (outcome.failure !== undefined) {
      if (failureAnnounced) return;
      failureAnnounced = true;
      options.emit({
        type: 'index.failed',
        message:
          `The code index could not be used (${outcome.failure}); search_code searches the files ` +
          'directly and turns go without a repository map.',
      });
      return;
    }
    const build = outcome.build;
    if (build === undefined) return;
    outcome.build = undefined;
    if (build.embedding !== undefined && 'error' in build.embedding) {
      warn(
        `Embedding the code with ${build.embedding.model} failed (${build.embedding.error}); the code index ranks without it.`,
      );
    }
    options.emit({
      type: 'index.updated',
      files: build.files,
      indexed: build.indexed,
      unchanged: build.unchanged,
      removed: build.removed,
      durationMs: build.durationMs,
    });
  };

  /** Runs a query; an error makes the index unusable for the rest of the session (said once). */
  const query = async <T>(
    signal: AbortSignal | undefined,
    ask: (index: CodeIndex) => T | Promise<T>,
  ): Promise<T | undefined> => {
    const index = await settle(signal);
    if (index === undefined) return undefined;
    try {
      return await ask(index);
    } catch (error) {
      const outcome = failed(error);
      current = Promise.resolve(outcome);
      announce(outcome);
      return undefined;
    }
  };

  return {
    async repoMap(message, tokens, signal) {
      turns += 1;
      // The first turn uses the update started with the session; later ones look for changes.
      if (turns > 1) refresh();
      if (tokens <= 0) return undefined;
      return query(signal, async (index) => {
        const semantic = await semanticScores(index, message);
        return describeRepoMap(withSemantic(index, semantic), message, tokens);
      });
    },
    definitions: (name) =>
      query(undefined, (index) =>
        index.findSymbol(name).map((symbol) => ({
          path: symbol.path,
          line: symbol.startLine,
          kind: symbol.kind,
          name: symbol.container === undefined ? symbol.name : `${symbol.container}.${symbol.name}`,
        })),
      ),
    related: (text, limit) =>
      query(undefined, async (index) =>
        relatedFiles(withSemantic(index, await semanticScores(index, text)), text, limit),
      ),
    async close() {
      controller.abort();
      // Never rejects: a failed (or now aborted) update is an outcome.
      await current;
      opened?.close();
      opened = undefined;
      await embeddingModelMade?.dispose?.();
    },
  };
}

/** The index with the query's semantic scores passed to every ranking. */
function withSemantic(index: CodeIndex, semantic: SemanticScores | undefined): CodeIndex {
  if (semantic === undefined) return index;
  return {
    ...index,
    rankFiles: (query, rankOptions) => index.rankFiles(query, { ...rankOptions, semantic }),
    rankSymbols: (query, rankOptions) => index.rankSymbols(query, { ...rankOptions, semantic }),
  };
}

/** Files ranked for `text` (`rankFiles`), with the signals that put them there and their best chunks. */
function relatedFiles(index: CodeIndex, text: string, limit: number): RelatedFile[] {
  const files = index.rankFiles(text, { limit });
  const hits = index.search(text, { limit: limit * 4 });
  return files.map((file) => ({
    path: file.path,
    signals: Object.entries(file.signals)
      .filter(([, value]) => value !== undefined && value > 0)
      .sort((left, right) => (right[1] ?? 0) - (left[1] ?? 0))
      .map(([signal]) => signal),
    places: hits
      .filter((hit) => hit.path === file.path)
      .slice(0, 2)
      .map((hit) => ({ startLine: hit.startLine, endLine: hit.endLine, symbols: hit.symbols })),
  }));
}

/** `promise`'s value, or undefined as soon as `signal` aborts. */
async function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (signal === undefined) return promise;
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
