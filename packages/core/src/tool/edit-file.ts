import { z } from 'zod';
import { describeFileChange } from '../edit/file-change.js';
import { applySearchReplace, type MatchStrategy } from '../edit/search-replace.js';
import { writeFileAtomic } from '../project/atomic-write.js';
import { formatByteSize, readTextFile, type TextFileRead } from '../project/file-kind.js';
import { resolveWritableProjectPath } from '../project/project-paths.js';
import { ioErrorResult, isNotFound, notFoundResult } from './file-errors.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError, type ToolResult } from './tool.js';

/** Larger files are not edited with search/replace (matching would be slow and the file is odd). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const BYTE_ORDER_MARK = '\uFEFF';

export const EditFileInput = z.object({
  path: z.string().describe('File path relative to the project root'),
  search: z.string().describe('Current text to replace, copied from the file'),
  replace: z.string().describe('New text'),
  replace_all: z.boolean().optional().describe('Replace every match'),
});
export type EditFileInput = z.infer<typeof EditFileInput>;

const STRATEGY_NOTES: Record<MatchStrategy, string> = {
  exact: '',
  whitespace: ' (matched ignoring trailing whitespace and line endings)',
  indentation: ' (matched ignoring indentation; the new text was re-indented to fit)',
};

export const editFileTool = defineTool({
  name: 'edit_file',
  description: readTextAsset(new URL('./edit-file.md', import.meta.url)),
  access: 'write',
  inputSchema: EditFileInput,
  describeCall: (input) => `edit_file ${input.path}`,
  async execute(input, context) {
    const resolved = resolveWritableProjectPath(context.projectRoot, input.path);
    if (!resolved.ok) return { ok: false, error: resolved.error };
    const { absolutePath, relativePath } = resolved;

    let file: TextFileRead;
    try {
      file = await readTextFile(absolutePath, { maxBytes: MAX_FILE_BYTES });
    } catch (error) {
      if (isNotFound(error)) {
        return notFoundResult(
          context.projectRoot,
          relativePath,
          context.signal,
          'edit_file only changes existing files; to create a new file, use write_file.',
        );
      }
      return ioErrorResult('read', relativePath, error);
    }
    if (file.kind !== 'text') return unreadable(relativePath, file);

    const hasBom = file.content.startsWith(BYTE_ORDER_MARK);
    const body = hasBom ? file.content.slice(1) : file.content;
    const result = applySearchReplace(body, input.search, input.replace, {
      replaceAll: input.replace_all ?? false,
    });
    if (!result.ok) {
      const kind = result.kind === 'empty-search' ? 'invalid-arguments' : result.kind;
      return toolError(kind, `${relativePath}: ${result.message}`);
    }
    const updated = (hasBom ? BYTE_ORDER_MARK : '') + result.content;
    if (updated === file.content) {
      return {
        ok: true,
        output: `${relativePath} is unchanged: the replacement is the same as the text it replaces.`,
        summary: 'no change',
      };
    }

    const after = Buffer.from(updated, 'utf8');
    try {
      await writeFileAtomic(absolutePath, after);
    } catch (error) {
      return ioErrorResult('write', relativePath, error);
    }
    const change = describeFileChange({ path: relativePath, before: file.bytes, after });
    const { linesAdded, linesRemoved } = change.effect;
    const replacements = `${result.occurrences} replacement${result.occurrences === 1 ? '' : 's'}`;
    const where =
      change.changedLines === null
        ? ''
        : ` Changed lines are now ${change.changedLines.first}-${change.changedLines.last}.`;
    return {
      ok: true,
      output: `Edited ${relativePath}: ${replacements}${STRATEGY_NOTES[result.strategy]}, +${linesAdded} -${linesRemoved} lines.${where}`,
      summary: `+${linesAdded} -${linesRemoved}`,
      effects: [change.effect],
    };
  },
});

function unreadable(
  relativePath: string,
  file: Exclude<TextFileRead, { kind: 'text' }>,
): ToolResult {
  switch (file.kind) {
    case 'directory':
      return toolError('invalid-arguments', `${relativePath} is a directory, not a file.`);
    case 'special':
      return toolError('invalid-arguments', `${relativePath} is not a regular file.`);
    case 'binary':
      return toolError(
        'binary-file',
        `${relativePath} is a binary file; it can't be edited as text.`,
      );
    case 'too-large':
      return toolError(
        'too-large',
        `${relativePath} is ${formatByteSize(file.size)}, too large to edit with edit_file.`,
      );
  }
}
