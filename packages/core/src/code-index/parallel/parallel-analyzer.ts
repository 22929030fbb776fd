import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readTextFile } from '../../project/file-kind.js';
import type { FileAnalysis } from '../store/file-analysis.js';
import {
  type AnalyzeRequest,
  type AnalyzerSetup,
  type CreateFileAnalyzer,
  type FileAnalyzer,
  inProcessAnalyzer,
} from '../store/file-analyzer.js';
import { builtInExtractor } from './built-in-extractor.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-messages.js';

export interface ParallelAnalyzerOptions {
  /** Worker threads; default one per core (`os.availableParallelism()`), 0 for none. */
  workers?: number;
  /** Fewer changed files than this are parsed in the calling thread (default 100). */
  minFiles?: number;
}

/** Below this many changed files, starting threads and loading grammars in each costs more. */
const DEFAULT_MIN_FILES = 100;
/** Files queued per worker, so it keeps parsing while the calling thread writes to the index. */
const IN_FLIGHT_PER_WORKER = 32;
/** No worker gets fewer files than this: each loads the runtime and its grammars first. */
const MIN_FILES_PER_WORKER = 50;

const workerFile = new URL('./analysis-worker.js', import.meta.url);

/**
 * Parses with tree-sitter in worker threads when a build has enough changed files (a first build,
 * a branch switch), and in the calling thread otherwise (a one-file change). Each worker loads its
 * own tree-sitter runtime and grammars; the calling thread only writes to SQLite. Uses the
 * built-in extractor. Run from the TypeScript sources (tests), where there is no compiled worker
 * file, it parses in the calling thread.
 */
export function createParallelAnalyzer(options: ParallelAnalyzerOptions = {}): CreateFileAnalyzer {
  const inProcess = inProcessAnalyzer(builtInExtractor, readTextFile);
  return (setup) => {
    const wanted = options.workers ?? availableParallelism();
    const workers = Math.min(wanted, Math.ceil(setup.files / MIN_FILES_PER_WORKER));
    if (workers < 1 || setup.files < (options.minFiles ?? DEFAULT_MIN_FILES) || !hasWorkerFile()) {
      return inProcess(setup);
    }
    return startWorkers(setup, workers);
  };
}

function hasWorkerFile(): boolean {
  return workerFile.protocol === 'file:' && existsSync(fileURLToPath(workerFile));
}

interface Pending {
  resolve: (analysis: FileAnalysis) => void;
  reject: (error: Error) => void;
}

interface RunningWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  failure: Error | undefined;
}

function startWorkers(setup: AnalyzerSetup, count: number): FileAnalyzer {
  const workerData: WorkerSetup = {
    projectRoot: setup.projectRoot,
    maxFileBytes: setup.maxFileBytes,
  };
  let nextId = 0;
  let closing = false;
  const running: RunningWorker[] = Array.from({ length: count }, () => {
    const entry: RunningWorker = {
      worker: new Worker(workerFile, { workerData }),
      pending: new Map(),
      failure: undefined,
    };
    const fail = (error: Error): void => {
      entry.failure ??= error;
      for (const waiting of entry.pending.values()) waiting.reject(error);
      entry.pending.clear();
    };
    entry.worker.on('message', (reply: WorkerReply) => {
      const waiting = entry.pending.get(reply.id);
      if (waiting === undefined) return;
      entry.pending.delete(reply.id);
      if ('analysis' in reply) waiting.resolve(reply.analysis);
      else waiting.reject(new Error(`indexing a file failed in a worker thread: ${reply.error}`));
    });
    entry.worker.on('error', (error) =>
      fail(new Error(`a code-index worker thread failed: ${error.message}`, { cause: error })),
    );
    entry.worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a code-index worker thread exited (code ${code})`));
    });
    return entry;
  });

  return {
    concurrency: count * IN_FLIGHT_PER_WORKER,
    analyze(request: AnalyzeRequest) {
      const alive = running.filter((entry) => entry.failure === undefined);
      if (alive.length === 0) {
        return Promise.reject(
          running[0]?.failure ?? new Error('the code-index worker threads are closed'),
        );
      }
      // The least busy worker: files differ a lot in size, so round-robin would queue behind a
      // big one.
      const entry = alive.reduce((best, candidate) =>
        candidate.pending.size < best.pending.size ? candidate : best,
      );
      const id = nextId;
      nextId += 1;
      return new Promise<FileAnalysis>((resolve, reject) => {
        entry.pending.set(id, { resolve, reject });
        entry.worker.postMessage({ id, request } satisfies WorkerRequest);
      });
    },
    async close() {
      closing = true;
      await Promise.all(running.map((entry) => entry.worker.terminate()));
    },
  };
}
