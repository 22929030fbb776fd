import { createHash } from 'node:crypto';
import { chmod, readdir, stat, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createTemporaryDirectory,
  createTemporaryProject,
} from './__fixtures__/temporary-project.js';
import type { ToolResult } from './tool.js';
import { writeFileTool } from './write-file.js';

function expectSuccess(result: ToolResult) {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result;
}

function expectError(result: ToolResult) {
  if (result.ok) throw new Error(`expected an error, got: ${result.output}`);
  return result.error;
}

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

describe('write_file', () => {
  it('creates a file and its parent directories, with a null before-hash', async () => {
    const project = await createTemporaryProject();
    const content = 'def test_add():\n    assert 1 + 1 == 2\n';
    const result = expectSuccess(
      await writeFileTool.execute({ path: 'tests/unit/test_add.py', content }, project.context()),
    );
    expect(await project.read('tests/unit/test_add.py')).toBe(content);
    expect(result.output).toBe('Created tests/unit/test_add.py (2 lines).');
    expect(result.effects).toEqual([
      expect.objectContaining({
        type: 'file-change',
        path: 'tests/unit/test_add.py',
        beforeHash: null,
        afterHash: sha256(content),
        linesAdded: 2,
        linesRemoved: 0,
      }),
    ]);
  });

  it('overwrites a file atomically, keeping its mode, and records the change', async () => {
    const project = await createTemporaryProject({ 'bin/tool': 'old\nsame\n' });
    await chmod(path.join(project.root, 'bin/tool'), 0o700);
    const result = expectSuccess(
      await writeFileTool.execute({ path: 'bin/tool', content: 'new\nsame\n' }, project.context()),
    );
    expect(await project.read('bin/tool')).toBe('new\nsame\n');
    expect((await stat(path.join(project.root, 'bin/tool'))).mode & 0o777).toBe(0o700);
    expect(await readdir(path.join(project.root, 'bin'))).toEqual(['tool']);
    expect(result.effects).toEqual([
      expect.objectContaining({
        beforeHash: sha256('old\nsame\n'),
        afterHash: sha256('new\nsame\n'),
        linesAdded: 1,
        linesRemoved: 1,
        diff: expect.stringContaining('-old\n+new\n') as unknown,
      }),
    ]);
  });

  it('reports an unchanged file without an effect', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'same\n' });
    const result = expectSuccess(
      await writeFileTool.execute({ path: 'a.txt', content: 'same\n' }, project.context()),
    );
    expect(result.effects).toBeUndefined();
  });

  it('refuses paths outside the project, through symlinks and inside .git', async () => {
    const project = await createTemporaryProject({}, { git: true });
    const outside = await createTemporaryDirectory();
    await symlink(outside, path.join(project.root, 'out'));
    for (const target of ['../x.txt', 'out/x.txt', '.git/hooks/pre-commit']) {
      const error = expectError(
        await writeFileTool.execute({ path: target, content: 'x' }, project.context()),
      );
      expect(error.kind).toBe('outside-project');
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses to replace a directory', async () => {
    const project = await createTemporaryProject({ 'src/a.ts': 'a' });
    const error = expectError(
      await writeFileTool.execute({ path: 'src', content: 'x' }, project.context()),
    );
    expect(error.kind).toBe('invalid-arguments');
  });
});
