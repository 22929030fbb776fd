// A worker thread of `createParallelAnalyzer`: reads, hashes and parses the files the build sends
// it, with the built-in extractor, and posts each analysis back. Several requests are in flight
// per worker so that reading one file overlaps parsing another.
import { parentPort, workerData } from 'node:worker_threads';
import { readTextFile } from '../../project/file-kind.js';
import { analyzeFile } from '../store/file-analysis.js';
import { builtInExtractor } from './built-in-extractor.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-messages.js';

const port = parentPort;
if (port === null) throw new Error('analysis-worker.js runs only as a worker thread');
const setup = workerData as WorkerSetup;

port.on('message', (message: WorkerRequest) => {
  analyzeFile({
    ...message.request,
    projectRoot: setup.projectRoot,
    maxFileBytes: setup.maxFileBytes,
    extractor: builtInExtractor,
    readFile: readTextFile,
  }).then(
    (analysis) => port.postMessage({ id: message.id, analysis } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies WorkerReply),
  );
});
