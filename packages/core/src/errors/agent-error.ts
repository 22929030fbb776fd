const marker = Symbol.for('outpost.agent-error');

/**
 * Base of Outpost's few typed error classes. Each carries a message a user can act on; `cause`
 * keeps the underlying error for logs. `isInstance` works across module copies (symbol marker).
 */
export class AgentError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  static isInstance(error: unknown): error is AgentError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
