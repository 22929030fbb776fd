import type { FileAnalysis } from '../store/file-analysis.js';
import type { AnalyzeRequest } from '../store/file-analyzer.js';

/** Given to each worker when it starts. */
export interface WorkerSetup {
  projectRoot: string;
  maxFileBytes: number;
}

export interface WorkerRequest {
  id: number;
  request: AnalyzeRequest;
}

export type WorkerReply = { id: number; analysis: FileAnalysis } | { id: number; error: string };
