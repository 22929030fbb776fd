import { editFileTool } from './edit-file.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { createRunCommandTool } from './run-command.js';
import { searchCodeTool } from './search-code.js';
import type { AnyTool, SpawnProcess } from './tool.js';
import { writeFileTool } from './write-file.js';

export interface DefaultToolsOptions {
  /** Process spawner for run_command; node's `spawn` by default. */
  spawn?: SpawnProcess;
  /** run_command's timeout when the model gives none (300 s by default). */
  commandTimeoutMs?: number;
}

/**
 * The built-in coding tools, always in the same order (the order is part of the prompt prefix,
 * so keeping it stable keeps the model's prompt cache warm).
 */
export function createDefaultTools(options: DefaultToolsOptions = {}): AnyTool[] {
  const runCommandTool = createRunCommandTool({
    ...(options.spawn === undefined ? {} : { spawn: options.spawn }),
    ...(options.commandTimeoutMs === undefined
      ? {}
      : { defaultTimeoutMs: options.commandTimeoutMs }),
  });
  // A Tool<Input> is not assignable to AnyTool (zod schemas are invariant in their type), so the
  // set is erased with one assertion; the agent validates arguments with each tool's own schema.
  return [
    readFileTool,
    listFilesTool,
    searchCodeTool,
    editFileTool,
    writeFileTool,
    runCommandTool,
  ] as AnyTool[];
}
