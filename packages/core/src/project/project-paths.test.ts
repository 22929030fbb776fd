import { mkdir, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createTemporaryDirectory,
  createTemporaryProject,
} from '../tool/__fixtures__/temporary-project.js';
import { gitDirectoryWriteError, resolveProjectPath } from './project-paths.js';

function expectRefused(result: ReturnType<typeof resolveProjectPath>) {
  if (result.ok) throw new Error(`expected a refusal, got ${result.absolutePath}`);
  return result.error;
}

describe('resolveProjectPath', () => {
  it('resolves relative and absolute paths inside the project', async () => {
    const project = await createTemporaryProject({ 'src/a.py': 'x = 1\n' });
    expect(resolveProjectPath(project.root, 'src/a.py')).toEqual({
      ok: true,
      absolutePath: path.join(project.root, 'src', 'a.py'),
      relativePath: 'src/a.py',
    });
    const absolute = resolveProjectPath(project.root, path.join(project.root, 'src/./a.py'));
    expect(absolute).toMatchObject({ ok: true, relativePath: 'src/a.py' });
    expect(resolveProjectPath(project.root, '.')).toMatchObject({ ok: true, relativePath: '.' });
    expect(resolveProjectPath(project.root, 'src/../src/new.py')).toMatchObject({
      ok: true,
      relativePath: 'src/new.py',
    });
  });

  it('refuses paths that climb out with ..', async () => {
    const project = await createTemporaryProject();
    const error = expectRefused(resolveProjectPath(project.root, '../outside.txt'));
    expect(error.kind).toBe('outside-project');
    expect(error.message).toContain('must be inside the project');
    expect(expectRefused(resolveProjectPath(project.root, 'src/../../x')).kind).toBe(
      'outside-project',
    );
  });

  it('refuses absolute paths elsewhere and shows the project-relative form', async () => {
    const project = await createTemporaryProject();
    const error = expectRefused(resolveProjectPath(project.root, '/src/main.py'));
    expect(error.kind).toBe('outside-project');
    expect(error.message).toContain('"src/main.py"');
    expect(expectRefused(resolveProjectPath(project.root, '/etc/passwd')).kind).toBe(
      'outside-project',
    );
  });

  it('refuses a symlink pointing outside the project', async () => {
    const project = await createTemporaryProject();
    const outside = await createTemporaryDirectory();
    await symlink(path.join(outside, 'secret.txt'), path.join(project.root, 'link.txt'));
    const error = expectRefused(resolveProjectPath(project.root, 'link.txt'));
    expect(error.kind).toBe('outside-project');
    expect(error.message).toContain('symlink');
  });

  it('refuses new files under a symlinked directory that points outside', async () => {
    const project = await createTemporaryProject();
    const outside = await createTemporaryDirectory();
    await symlink(outside, path.join(project.root, 'linked'));
    expect(expectRefused(resolveProjectPath(project.root, 'linked/new/file.txt')).kind).toBe(
      'outside-project',
    );
  });

  it('refuses a dangling symlink whose target would be created outside', async () => {
    const project = await createTemporaryProject();
    const outside = await createTemporaryDirectory();
    await symlink(path.join(outside, 'missing', 'dir'), path.join(project.root, 'dangling'));
    expect(expectRefused(resolveProjectPath(project.root, 'dangling/file.txt')).kind).toBe(
      'outside-project',
    );
  });

  it('accepts a symlinked directory that stays inside the project', async () => {
    const project = await createTemporaryProject({ 'real/a.txt': 'a' });
    await symlink(path.join(project.root, 'real'), path.join(project.root, 'alias'));
    expect(resolveProjectPath(project.root, 'alias/a.txt')).toMatchObject({
      ok: true,
      relativePath: 'alias/a.txt',
    });
  });

  it('accepts a project root that is itself reached through a symlink', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'a' });
    const holder = await createTemporaryDirectory();
    const linkedRoot = path.join(holder, 'project');
    await symlink(project.root, linkedRoot);
    await mkdir(path.join(project.root, 'sub'));
    expect(resolveProjectPath(linkedRoot, 'sub/b.txt')).toMatchObject({
      ok: true,
      relativePath: 'sub/b.txt',
    });
  });
});

describe('gitDirectoryWriteError', () => {
  it('refuses paths inside .git and allows the rest', () => {
    expect(gitDirectoryWriteError('.git/config')?.kind).toBe('outside-project');
    expect(gitDirectoryWriteError('vendor/lib/.git/HEAD')).not.toBeNull();
    expect(gitDirectoryWriteError('.gitignore')).toBeNull();
    expect(gitDirectoryWriteError('src/git/a.ts')).toBeNull();
  });
});
