import { AgentError } from './agent-error.js';

/** A configuration file, variable or flag is invalid; the message names which and why. */
export class ConfigError extends AgentError {}
