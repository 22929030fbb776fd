import { AgentError } from '../errors/agent-error.js';

/**
 * A sync file was refused: not a sync file, written by a newer Outpost, truncated, tampered with,
 * or inconsistent with this store. Nothing was written; the message says what is wrong.
 */
export class SyncFileError extends AgentError {
  static override isInstance(error: unknown): error is SyncFileError {
    return AgentError.isInstance(error) && error instanceof SyncFileError;
  }
}
