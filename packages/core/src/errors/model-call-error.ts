import type { ModelErrorInfo } from '@outpost/protocol';
import { AgentError } from './agent-error.js';

/** A model call that failed for good (after any retries). */
export class ModelCallError extends AgentError {
  readonly isRetryable: boolean;
  readonly statusCode: number | undefined;
  readonly kind: ModelErrorInfo['kind'];

  constructor(info: ModelErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.isRetryable = info.isRetryable;
    this.statusCode = info.statusCode;
    this.kind = info.kind;
  }

  static override isInstance(error: unknown): error is ModelCallError {
    return AgentError.isInstance(error) && error instanceof ModelCallError;
  }

  toInfo(): ModelErrorInfo {
    return {
      message: this.message,
      isRetryable: this.isRetryable,
      kind: this.kind,
      ...(this.statusCode === undefined ? {} : { statusCode: this.statusCode }),
    };
  }
}
