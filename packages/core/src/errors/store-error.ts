import { AgentError } from './agent-error.js';

/** The local store could not be opened, migrated or written. */
export class StoreError extends AgentError {}
