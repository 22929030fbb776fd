import { AgentError } from '../errors/agent-error.js';

/**
 * A task or a change to one was refused: an empty title, a priority out of range, a link to
 * nothing, a state change that does not apply (`done` on a failed task). The message lists every
 * problem; nothing was written.
 */
export class TaskError extends AgentError {
  /** One entry per problem, each a sentence the user can act on. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`task refused: ${problems.join('; ')}`, options);
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is TaskError {
    return AgentError.isInstance(error) && error instanceof TaskError;
  }
}
