import { z } from 'zod';
import { splitLines } from '../edit/text-lines.js';
import { formatByteSize, readTextFile, type TextFileRead } from '../project/file-kind.js';
import { resolveProjectPath } from '../project/project-paths.js';
import { ioErrorResult, isNotFound, notFoundResult } from './file-errors.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError, type ToolResult } from './tool.js';

/** Lines shown when the model gives no limit. */
export const READ_FILE_DEFAULT_LINES = 400;
/** Most text shown by one call, whatever the limit. */
export const READ_FILE_MAX_OUTPUT_BYTES = 32 * 1024;
/** Larger files are refused: reading one whole would cost memory and time for little use. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export const ReadFileInput = z.object({
  path: z.string().describe('File path relative to the project root'),
  offset: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .optional()
    .describe('First line to read, 1-based'),
  limit: z.coerce.number().int().min(1).max(100_000).optional().describe('Number of lines'),
});
export type ReadFileInput = z.infer<typeof ReadFileInput>;

export const readFileTool = defineTool({
  name: 'read_file',
  description: readTextAsset(new URL('./read-file.md', import.meta.url)),
  access: 'read',
  inputSchema: ReadFileInput,
  describeCall: (input) =>
    input.offset === undefined
      ? `read_file ${input.path}`
      : `read_file ${input.path}:${input.offset}`,
  async execute(input, context) {
    const resolved = resolveProjectPath(context.projectRoot, input.path);
    if (!resolved.ok) return { ok: false, error: resolved.error };
    const { absolutePath, relativePath } = resolved;

    let file: TextFileRead;
    try {
      file = await readTextFile(absolutePath, { maxBytes: MAX_FILE_BYTES });
    } catch (error) {
      if (isNotFound(error))
        return notFoundResult(context.projectRoot, relativePath, context.signal);
      return ioErrorResult('read', relativePath, error);
    }
    switch (file.kind) {
      case 'directory':
        return toolError(
          'invalid-arguments',
          `${relativePath} is a directory. Use list_files with path "${relativePath}" to see its files.`,
        );
      case 'special':
        return toolError(
          'invalid-arguments',
          `${relativePath} is not a regular file (a device, socket or pipe); it can't be read.`,
        );
      case 'binary':
        return toolError(
          'binary-file',
          `${relativePath} is a binary file (${formatByteSize(file.size)}); it can't be shown as text.`,
        );
      case 'too-large':
        return toolError(
          'too-large',
          `${relativePath} is ${formatByteSize(file.size)}, too large to read. Use search_code to find the lines you need, or run_command with e.g. sed -n '100,200p' ${relativePath}.`,
        );
      case 'text':
        return showLines(relativePath, file.content, input);
    }
  },
});

function showLines(relativePath: string, content: string, input: ReadFileInput): ToolResult {
  const lines = splitLines(content.replace(/^\uFEFF/, '')).map((line) => line.text);
  const total = lines.length;
  if (total === 0) {
    return { ok: true, output: `${relativePath} (empty file)`, summary: 'empty file' };
  }
  const start = input.offset ?? 1;
  if (start > total) {
    return toolError(
      'invalid-arguments',
      `offset ${start} is past the end of ${relativePath}, which has ${total} lines.`,
    );
  }
  const wantedEnd = Math.min(total, start - 1 + (input.limit ?? READ_FILE_DEFAULT_LINES));
  const shown: string[] = [];
  let bytes = 0;
  for (let index = start - 1; index < wantedEnd; index += 1) {
    const line = lines[index] ?? '';
    const lineBytes = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes + lineBytes > READ_FILE_MAX_OUTPUT_BYTES) {
      // A single line longer than the cap (minified code) is cut rather than never shown.
      if (shown.length === 0)
        shown.push(`${cutToBytes(line, READ_FILE_MAX_OUTPUT_BYTES)} [… line cut …]`);
      break;
    }
    shown.push(line);
    bytes += lineBytes;
  }
  const end = start + shown.length - 1;
  const header = `${relativePath} (lines ${start}-${end} of ${total})`;
  const rest =
    end < total
      ? `\n[${total - end} more lines. To continue, call read_file with offset=${end + 1}.]`
      : '';
  return {
    ok: true,
    output: `${header}\n${shown.join('\n')}${rest}`,
    summary: `lines ${start}-${end} of ${total}`,
  };
}

function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  // Decoding a cut multi-byte character yields U+FFFD; drop it.
  return bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
