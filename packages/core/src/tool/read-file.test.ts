import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { readFileTool } from './read-file.js';
import type { ToolResult } from './tool.js';

function expectOutput(result: ToolResult): string {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.output;
}

function expectError(result: ToolResult) {
  if (result.ok) throw new Error(`expected an error, got: ${result.output}`);
  return result.error;
}

const numbered = (count: number, width = 0) =>
  Array.from({ length: count }, (_, index) => `line ${index + 1}`.padEnd(width, '.')).join('\n') +
  '\n';

describe('read_file', () => {
  it('shows the file under a header with its line range', async () => {
    const project = await createTemporaryProject({ 'src/a.py': 'import os\n\nprint(os.name)\n' });
    const output = expectOutput(
      await readFileTool.execute({ path: 'src/a.py' }, project.context()),
    );
    expect(output).toBe('src/a.py (lines 1-3 of 3)\nimport os\n\nprint(os.name)');
  });

  it('reads a window with offset and limit and says how to continue', async () => {
    const project = await createTemporaryProject({ 'a.txt': numbered(10) });
    const output = expectOutput(
      await readFileTool.execute({ path: 'a.txt', offset: 4, limit: 3 }, project.context()),
    );
    expect(output.split('\n')).toEqual([
      'a.txt (lines 4-6 of 10)',
      'line 4',
      'line 5',
      'line 6',
      '[4 more lines. To continue, call read_file with offset=7.]',
    ]);
  });

  it('shows at most 400 lines by default', async () => {
    const project = await createTemporaryProject({ 'big.txt': numbered(1000) });
    const output = expectOutput(await readFileTool.execute({ path: 'big.txt' }, project.context()));
    expect(output.startsWith('big.txt (lines 1-400 of 1000)\nline 1\n')).toBe(true);
    expect(output).toContain(
      '\nline 400\n[600 more lines. To continue, call read_file with offset=401.]',
    );
  });

  it('stops at about 32 KB of text even within the line limit', async () => {
    const project = await createTemporaryProject({ 'wide.txt': numbered(300, 199) });
    const output = expectOutput(
      await readFileTool.execute({ path: 'wide.txt' }, project.context()),
    );
    expect(output).toMatch(/^wide\.txt \(lines 1-163 of 300\)\n/);
    expect(output).toContain('call read_file with offset=164');
    expect(Buffer.byteLength(output)).toBeLessThan(33 * 1024);
  });

  it('shows CRLF files without carriage returns and an empty file as such', async () => {
    const project = await createTemporaryProject({ 'win.txt': 'a\r\nb\r\n', 'empty.txt': '' });
    expect(expectOutput(await readFileTool.execute({ path: 'win.txt' }, project.context()))).toBe(
      'win.txt (lines 1-2 of 2)\na\nb',
    );
    expect(expectOutput(await readFileTool.execute({ path: 'empty.txt' }, project.context()))).toBe(
      'empty.txt (empty file)',
    );
  });

  it('suggests similar files when the path does not exist', async () => {
    const project = await createTemporaryProject({ 'src/config.py': 'x = 1\n' });
    const error = expectError(await readFileTool.execute({ path: 'config.py' }, project.context()));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('config.py does not exist');
    expect(error.message).toContain('src/config.py');
  });

  it('points a directory to list_files', async () => {
    const project = await createTemporaryProject({ 'src/a.py': '' });
    const error = expectError(await readFileTool.execute({ path: 'src' }, project.context()));
    expect(error.kind).toBe('invalid-arguments');
    expect(error.message).toContain('list_files');
  });

  it('refuses binary files', async () => {
    const project = await createTemporaryProject();
    await project.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const error = expectError(await readFileTool.execute({ path: 'logo.png' }, project.context()));
    expect(error.kind).toBe('binary-file');
  });

  it('refuses paths outside the project', async () => {
    const project = await createTemporaryProject();
    const error = expectError(
      await readFileTool.execute({ path: '../../etc/passwd' }, project.context()),
    );
    expect(error.kind).toBe('outside-project');
  });

  it('refuses an offset past the end', async () => {
    const project = await createTemporaryProject({ 'a.txt': numbered(5) });
    const error = expectError(
      await readFileTool.execute({ path: 'a.txt', offset: 9 }, project.context()),
    );
    expect(error.kind).toBe('invalid-arguments');
    expect(error.message).toContain('5 lines');
  });
});
