import { AgentError } from './agent-error.js';

/** Something the user named (a session id, a model) does not exist. */
export class NotFoundError extends AgentError {}
