import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { listProjectFiles } from '../project/file-listing.js';
import { resolveProjectPath } from '../project/project-paths.js';
import { ioErrorResult, isNotFound, notFoundResult } from './file-errors.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError, type ToolResult } from './tool.js';

/** Most paths shown by one call. */
export const LIST_FILES_MAX_ENTRIES = 300;
/** Subdirectories suggested when the list is cut. */
const SUGGESTED_DIRECTORIES = 5;

export const ListFilesInput = z.object({
  path: z.string().optional().describe('Directory relative to the project root (default ".")'),
});
export type ListFilesInput = z.infer<typeof ListFilesInput>;

export const listFilesTool = defineTool({
  name: 'list_files',
  description: readTextAsset(new URL('./list-files.md', import.meta.url)),
  access: 'read',
  inputSchema: ListFilesInput,
  describeCall: (input) => `list_files ${input.path ?? '.'}`,
  async execute(input, context) {
    const resolved = resolveProjectPath(context.projectRoot, input.path ?? '.');
    if (!resolved.ok) return { ok: false, error: resolved.error };
    const { absolutePath, relativePath } = resolved;
    try {
      const stats = await stat(absolutePath);
      if (!stats.isDirectory()) {
        return toolError(
          'invalid-arguments',
          `${relativePath} is a file, not a directory. Use read_file to read it.`,
        );
      }
    } catch (error) {
      if (isNotFound(error))
        return notFoundResult(context.projectRoot, relativePath, context.signal);
      return ioErrorResult('list', relativePath, error);
    }

    let files: string[];
    try {
      const under = relativePath === '.' ? undefined : relativePath;
      files = await listProjectFiles(context.projectRoot, { under, signal: context.signal });
    } catch (error) {
      if (context.signal.aborted) return toolError('cancelled', 'Listing files was cancelled.');
      return ioErrorResult('list', relativePath, error);
    }
    return formatListing(relativePath, files);
  },
});

function formatListing(relativePath: string, files: string[]): ToolResult {
  const place = relativePath === '.' ? 'the project' : relativePath;
  if (files.length === 0) {
    return {
      ok: true,
      output: `No files in ${place} (files ignored by .gitignore or .outpostignore are not listed).`,
      summary: '0 files',
    };
  }
  const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
  const shown = files.slice(0, LIST_FILES_MAX_ENTRIES);
  let output = `${count} in ${place}:\n${shown.join('\n')}`;
  if (files.length > shown.length) {
    const largest = largestSubdirectories(relativePath, files)
      .map(({ directory, fileCount }) => `${directory} (${fileCount} files)`)
      .join(', ');
    const narrower = largest === '' ? '' : ` The largest directories: ${largest}.`;
    output += `\n[… ${files.length - shown.length} more files. List a narrower path to see them.${narrower}]`;
  }
  return { ok: true, output, summary: count };
}

/** The directories one level below `relativePath` holding the most files. */
function largestSubdirectories(
  relativePath: string,
  files: readonly string[],
): { directory: string; fileCount: number }[] {
  const prefix = relativePath === '.' ? '' : `${relativePath}/`;
  const counts = new Map<string, number>();
  for (const file of files) {
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) continue;
    const directory = prefix + rest.slice(0, slash);
    counts.set(directory, (counts.get(directory) ?? 0) + 1);
  }
  return [...counts]
    .map(([directory, fileCount]) => ({ directory, fileCount }))
    .sort((a, b) => b.fileCount - a.fileCount || (a.directory < b.directory ? -1 : 1))
    .slice(0, SUGGESTED_DIRECTORIES);
}
