import { AgentError } from './agent-error.js';

/**
 * A memory record or a change to one was refused: an empty or oversized body, an unknown kind, a
 * path outside the project, a link to nothing. The message lists every problem; nothing was written.
 */
export class MemoryError extends AgentError {
  /** One entry per problem, each a sentence the user (or the model) can act on. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`memory record refused: ${problems.join('; ')}`, options);
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is MemoryError {
    return AgentError.isInstance(error) && error instanceof MemoryError;
  }
}
