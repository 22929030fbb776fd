import { AgentError } from './agent-error.js';

/** Outpost runs offline (`--offline`, `OUTPOST_OFFLINE=1`) and refused to reach another machine. */
export class OfflineError extends AgentError {
  readonly code = 'OUTPOST_OFFLINE';

  static override isInstance(error: unknown): error is OfflineError {
    return AgentError.isInstance(error) && error instanceof OfflineError;
  }
}
