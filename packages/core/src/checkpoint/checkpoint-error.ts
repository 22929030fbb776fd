import { AgentError } from '../errors/agent-error.js';

/**
 * A checkpoint could not be taken, read or put back: git is missing or failed, the snapshot is
 * not in this repository, the project is too big to snapshot outside git. The message says what
 * to do; `cause` keeps git's own words.
 */
export class CheckpointError extends AgentError {
  static override isInstance(error: unknown): error is CheckpointError {
    return AgentError.isInstance(error) && error instanceof CheckpointError;
  }
}
