import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { describeFileChange } from '../edit/file-change.js';
import { splitLines } from '../edit/text-lines.js';
import { writeFileAtomic } from '../project/atomic-write.js';
import { resolveWritableProjectPath } from '../project/project-paths.js';
import { ioErrorResult, isNotFound } from './file-errors.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError } from './tool.js';

export const WriteFileInput = z.object({
  path: z.string().describe('File path relative to the project root'),
  content: z.string().describe('The complete file content'),
});
export type WriteFileInput = z.infer<typeof WriteFileInput>;

export const writeFileTool = defineTool({
  name: 'write_file',
  description: readTextAsset(new URL('./write-file.md', import.meta.url)),
  access: 'write',
  inputSchema: WriteFileInput,
  describeCall: (input) => `write_file ${input.path}`,
  async execute(input, context) {
    const resolved = resolveWritableProjectPath(context.projectRoot, input.path);
    if (!resolved.ok) return { ok: false, error: resolved.error };
    const { absolutePath, relativePath } = resolved;

    let before: Buffer | null;
    try {
      const stats = await stat(absolutePath);
      if (!stats.isFile()) {
        const what = stats.isDirectory() ? 'a directory' : 'not a regular file';
        return toolError('invalid-arguments', `${relativePath} is ${what}; give a file path.`);
      }
      before = await readFile(absolutePath);
    } catch (error) {
      if (!isNotFound(error)) return ioErrorResult('read', relativePath, error);
      before = null;
    }
    const after = Buffer.from(input.content, 'utf8');
    const lineCount = splitLines(input.content).length;
    const lines = `${lineCount} line${lineCount === 1 ? '' : 's'}`;
    if (before?.equals(after) === true) {
      return {
        ok: true,
        output: `${relativePath} already has this content.`,
        summary: 'no change',
      };
    }

    try {
      await writeFileAtomic(absolutePath, after, { createParents: true });
    } catch (error) {
      return ioErrorResult('write', relativePath, error);
    }
    const { effect } = describeFileChange({ path: relativePath, before, after });
    const output =
      before === null
        ? `Created ${relativePath} (${lines}).`
        : `Wrote ${relativePath} (${lines}): +${effect.linesAdded} -${effect.linesRemoved} lines.`;
    return {
      ok: true,
      output,
      summary:
        before === null ? `created, ${lines}` : `+${effect.linesAdded} -${effect.linesRemoved}`,
      effects: [effect],
    };
  },
});
