import { createHash } from 'node:crypto';
import { chmod, readFile, readdir, stat, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { editFileTool } from './edit-file.js';
import type { ToolEffect, ToolResult } from './tool.js';

function expectSuccess(result: ToolResult) {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result;
}

function expectError(result: ToolResult) {
  if (result.ok) throw new Error(`expected an error, got: ${result.output}`);
  return result.error;
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function fileChange(effects: ToolEffect[] | undefined) {
  const effect = effects?.[0];
  if (effect?.type !== 'file-change') throw new Error('expected a file-change effect');
  return effect;
}

const original = 'def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n';

describe('edit_file', () => {
  it('edits the file and records hashes, line counts and a diff', async () => {
    const project = await createTemporaryProject({ 'src/calc.py': original });
    const result = expectSuccess(
      await editFileTool.execute(
        {
          path: 'src/calc.py',
          search: 'def add(a, b):\n    return a - b',
          replace: 'def add(a, b):\n    """Add."""\n    return a + b',
        },
        project.context(),
      ),
    );
    const updated = await project.read('src/calc.py');
    expect(updated).toBe(
      'def add(a, b):\n    """Add."""\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n',
    );
    expect(result.output).toBe(
      'Edited src/calc.py: 1 replacement, +2 -1 lines. Changed lines are now 2-3.',
    );
    const effect = fileChange(result.effects);
    expect(effect).toMatchObject({
      type: 'file-change',
      path: 'src/calc.py',
      beforeHash: sha256(original),
      afterHash: sha256(updated),
      linesAdded: 2,
      linesRemoved: 1,
    });
    expect(effect.diff).toContain('--- a/src/calc.py\n+++ b/src/calc.py\n');
    expect(effect.diff).toContain('-    return a - b\n+    """Add."""\n+    return a + b\n');
  });

  it('says how the match was found when indentation differed', async () => {
    const project = await createTemporaryProject({ 'src/calc.py': original });
    const result = expectSuccess(
      await editFileTool.execute(
        {
          path: 'src/calc.py',
          search: '  def sub(a, b):\n      return a - b',
          replace: '  def sub(a, b):\n      return b - a',
        },
        project.context(),
      ),
    );
    expect(result.output).toContain('matched ignoring indentation');
    expect(await project.read('src/calc.py')).toContain('def sub(a, b):\n    return b - a\n');
  });

  it('keeps the file mode and leaves no temporary files', async () => {
    const project = await createTemporaryProject({ 'run.sh': '#!/bin/sh\necho old\n' });
    await chmod(path.join(project.root, 'run.sh'), 0o751);
    expectSuccess(
      await editFileTool.execute(
        { path: 'run.sh', search: 'echo old', replace: 'echo new' },
        project.context(),
      ),
    );
    expect((await stat(path.join(project.root, 'run.sh'))).mode & 0o777).toBe(0o751);
    expect(await readdir(project.root)).toEqual(['run.sh']);
  });

  it('writes through a symlink to a file inside the project', async () => {
    const project = await createTemporaryProject({ 'real.txt': 'old\n' });
    await symlink(path.join(project.root, 'real.txt'), path.join(project.root, 'alias.txt'));
    expectSuccess(
      await editFileTool.execute(
        { path: 'alias.txt', search: 'old', replace: 'new' },
        project.context(),
      ),
    );
    expect(await project.read('real.txt')).toBe('new\n');
    expect((await stat(path.join(project.root, 'alias.txt'))).isFile()).toBe(true);
  });

  it('keeps a byte order mark and CRLF line endings', async () => {
    const project = await createTemporaryProject({ 'a.cs': '\uFEFFclass A\r\n{\r\n}\r\n' });
    expectSuccess(
      await editFileTool.execute(
        { path: 'a.cs', search: 'class A\n{', replace: 'class B\n{' },
        project.context(),
      ),
    );
    expect(await readFile(path.join(project.root, 'a.cs'), 'utf8')).toBe(
      '\uFEFFclass B\r\n{\r\n}\r\n',
    );
  });

  it('passes no-match and ambiguous-match messages through and leaves the file alone', async () => {
    const project = await createTemporaryProject({ 'src/calc.py': original });
    const ambiguous = expectError(
      await editFileTool.execute(
        { path: 'src/calc.py', search: 'return a - b', replace: 'return 0' },
        project.context(),
      ),
    );
    expect(ambiguous.kind).toBe('ambiguous-match');
    expect(ambiguous.message).toContain('src/calc.py: ');
    expect(ambiguous.message).toContain('lines 2, 6');

    const noMatch = expectError(
      await editFileTool.execute(
        { path: 'src/calc.py', search: 'def mul(a, b):\n    return a * b', replace: 'x' },
        project.context(),
      ),
    );
    expect(noMatch.kind).toBe('no-match');
    expect(noMatch.message).toContain('| def');
    expect(await project.read('src/calc.py')).toBe(original);
  });

  it('replaces every match with replace_all', async () => {
    const project = await createTemporaryProject({ 'src/calc.py': original });
    const result = expectSuccess(
      await editFileTool.execute(
        { path: 'src/calc.py', search: 'return a - b', replace: 'return 0', replace_all: true },
        project.context(),
      ),
    );
    expect(result.output).toContain('2 replacements');
    expect(await project.read('src/calc.py')).not.toContain('a - b');
  });

  it('refuses an empty search as invalid arguments', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'a\n' });
    const error = expectError(
      await editFileTool.execute({ path: 'a.txt', search: '', replace: 'b' }, project.context()),
    );
    expect(error.kind).toBe('invalid-arguments');
  });

  it('sends the model to write_file for files that do not exist', async () => {
    const project = await createTemporaryProject();
    const error = expectError(
      await editFileTool.execute({ path: 'new.py', search: 'a', replace: 'b' }, project.context()),
    );
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('write_file');
  });

  it('refuses paths outside the project and inside .git', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'a\n' }, { git: true });
    const outside = expectError(
      await editFileTool.execute(
        { path: '../a.txt', search: 'a', replace: 'b' },
        project.context(),
      ),
    );
    expect(outside.kind).toBe('outside-project');
    const gitConfig = await project.read('.git/config');
    const insideGit = expectError(
      await editFileTool.execute(
        { path: '.git/config', search: '[core]', replace: '[evil]' },
        project.context(),
      ),
    );
    expect(insideGit.kind).toBe('outside-project');
    expect(await project.read('.git/config')).toBe(gitConfig);
  });

  it('refuses binary files', async () => {
    const project = await createTemporaryProject();
    await project.write('data.bin', Buffer.from([1, 0, 2]));
    const error = expectError(
      await editFileTool.execute(
        { path: 'data.bin', search: 'a', replace: 'b' },
        project.context(),
      ),
    );
    expect(error.kind).toBe('binary-file');
  });
});
