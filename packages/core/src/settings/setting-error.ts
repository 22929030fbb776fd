import { AgentError } from '../errors/agent-error.js';

/**
 * A setting read or write was refused: a key that is not a lowercase dotted name, an unknown
 * scope, a value that is not JSON or is too large. The message lists every problem; nothing was
 * written.
 */
export class SettingError extends AgentError {
  /** One entry per problem, each a sentence the user can act on. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`setting refused: ${problems.join('; ')}`, options);
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is SettingError {
    return AgentError.isInstance(error) && error instanceof SettingError;
  }
}
