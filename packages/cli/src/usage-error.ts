import { AgentError } from '@outpost/core';

/** The command line asked for something that cannot be done; the message says what to type instead. */
export class UsageError extends AgentError {}
