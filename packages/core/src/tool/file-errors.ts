import { listProjectFiles } from '../project/file-listing.js';
import { suggestSimilarPaths } from '../project/path-suggestions.js';
import { toolError, type ToolResult } from './tool.js';

/**
 * `not-found` for a path that does not exist, naming project files the model may have meant.
 * `advice` ends the message (what to do instead, e.g. use write_file to create it).
 */
export async function notFoundResult(
  projectRoot: string,
  relativePath: string,
  signal: AbortSignal,
  advice = 'Use list_files or search_code to find the right path.',
): Promise<ToolResult> {
  let suggestions: string[] = [];
  try {
    suggestions = suggestSimilarPaths(
      await listProjectFiles(projectRoot, { signal }),
      relativePath,
    );
  } catch {
    // Suggestions are a courtesy: if listing fails (or is cancelled) the error still stands.
  }
  const similar = suggestions.length === 0 ? '' : ` Similar files: ${suggestions.join(', ')}.`;
  return toolError('not-found', `${relativePath} does not exist.${similar} ${advice}`);
}

/** `io-error` for an unexpected filesystem failure, with the error code the model can read. */
export function ioErrorResult(action: string, relativePath: string, error: unknown): ToolResult {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return toolError('io-error', `Could not ${action} ${relativePath} (${reason}).`);
}

export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
