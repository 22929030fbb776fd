import { recallTool } from './recall.js';
import { rememberTool } from './remember.js';
import type { AnyTool } from './tool.js';

/**
 * The project memory's tools, offered after the default ones (docs/architecture/memory.md):
 * `remember` always (the end-of-session reflection asks for it), `recall` only when the
 * project has accepted records — with none it could only answer "nothing", and every tool
 * offered costs prompt tokens on every request. Chosen once per session, so the prefix stays
 * stable.
 */
export function createMemoryTools(options: { recall: boolean }): AnyTool[] {
  // Erased like the default tools: the agent validates arguments with each tool's own schema.
  return (options.recall ? [rememberTool, recallTool] : [rememberTool]) as AnyTool[];
}
