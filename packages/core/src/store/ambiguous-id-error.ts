import { AgentError } from '../errors/agent-error.js';

/** An id prefix the user typed matches more than one record; the message lists them. */
export class AmbiguousIdError extends AgentError {
  readonly prefix: string;
  readonly candidates: readonly { id: string; title: string }[];

  constructor(options: {
    prefix: string;
    /** What the ids name, plural; default `sessions`. */
    plural?: string;
    candidates: readonly { id: string; title: string }[];
    /** Whether more records match than `candidates` lists. */
    more: boolean;
  }) {
    const lines = options.candidates.map(({ id, title }) => `  ${id}  ${title}`);
    if (options.more) lines.push('  …');
    super(
      `'${options.prefix}' matches ${options.more ? 'more than ' : ''}` +
        `${options.candidates.length} ${options.plural ?? 'sessions'}; give more characters of the id:\n${lines.join('\n')}`,
    );
    this.prefix = options.prefix;
    this.candidates = options.candidates;
  }

  static override isInstance(error: unknown): error is AmbiguousIdError {
    return AgentError.isInstance(error) && error instanceof AmbiguousIdError;
  }
}
