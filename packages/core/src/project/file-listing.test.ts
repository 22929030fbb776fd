import { rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createTemporaryDirectory,
  createTemporaryProject,
} from '../tool/__fixtures__/temporary-project.js';
import { listProjectFiles } from './file-listing.js';

const layout = {
  '.gitignore': 'build/\n*.log\n!keep.log\n',
  'src/app.py': 'print(1)\n',
  'src/util/helpers.py': 'def f(): pass\n',
  'src/util/.gitignore': 'generated.py\n',
  'src/util/generated.py': '# generated\n',
  'build/out.js': 'x',
  'debug.log': 'noise',
  'keep.log': 'kept',
  'node_modules/left-pad/index.js': 'module.exports = 1;',
  'README.md': '# readme\n',
};

const visible = [
  '.gitignore',
  'README.md',
  'keep.log',
  'src/app.py',
  'src/util/.gitignore',
  'src/util/helpers.py',
];

describe('listProjectFiles', () => {
  it('honours root and nested .gitignore files in a plain directory', async () => {
    const project = await createTemporaryProject(layout);
    expect(await listProjectFiles(project.root)).toEqual(visible);
  });

  it('honours .gitignore files in a git work tree, with tracked and untracked files', async () => {
    const project = await createTemporaryProject(layout, { git: true });
    project.git('add', 'src/app.py', '.gitignore');
    project.git('commit', '--quiet', '-m', 'initial');
    expect(await listProjectFiles(project.root)).toEqual(visible);
  });

  it('honours .git/info/exclude and drops deleted tracked files in a git work tree', async () => {
    const project = await createTemporaryProject(
      { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' },
      {
        git: true,
      },
    );
    project.git('add', 'a.txt', 'b.txt');
    project.git('commit', '--quiet', '-m', 'initial');
    // c.txt is untracked: the exclude applies to it (tracked files are listed whatever the rules).
    await project.write('.git/info/exclude', 'c.txt\n');
    await rm(path.join(project.root, 'b.txt'));
    expect(await listProjectFiles(project.root)).toEqual(['a.txt']);
  });

  it('honours .outpostignore in plain directories and git work trees', async () => {
    for (const git of [false, true]) {
      const project = await createTemporaryProject(
        {
          '.outpostignore': 'fixtures/\n*.snap\n',
          'fixtures/big.json': '{}',
          'src/a.ts': 'a',
          'src/a.test.ts.snap': 'snap',
        },
        { git },
      );
      expect(await listProjectFiles(project.root)).toEqual(['.outpostignore', 'src/a.ts']);
    }
  });

  it('lists only under a subdirectory when asked, with paths still project-relative', async () => {
    for (const git of [false, true]) {
      const project = await createTemporaryProject(layout, { git });
      expect(await listProjectFiles(project.root, { under: 'src/util' })).toEqual([
        'src/util/.gitignore',
        'src/util/helpers.py',
      ]);
      expect(await listProjectFiles(project.root, { under: 'build' })).toEqual([]);
    }
  });

  it('applies ancestor .gitignore rules when listing a subdirectory of a plain directory', async () => {
    const project = await createTemporaryProject({
      '.gitignore': '*.tmp\n',
      'src/deep/a.tmp': 'x',
      'src/deep/a.py': 'x',
    });
    expect(await listProjectFiles(project.root, { under: 'src/deep' })).toEqual(['src/deep/a.py']);
  });

  it('lets a nested .gitignore re-include what a parent one excludes', async () => {
    const project = await createTemporaryProject({
      '.gitignore': '*.txt\n',
      'docs/.gitignore': '!notes.txt\n',
      'docs/notes.txt': 'n',
      'docs/other.txt': 'o',
    });
    expect(await listProjectFiles(project.root)).toEqual([
      '.gitignore',
      'docs/.gitignore',
      'docs/notes.txt',
    ]);
  });

  it('does not follow symlinked directories out of the root', async () => {
    for (const git of [false, true]) {
      const project = await createTemporaryProject({ 'a.txt': 'a', 'inner/b.txt': 'b' }, { git });
      const outside = await createTemporaryDirectory();
      await project.write('../' + path.basename(outside) + '/secret.txt', 'secret');
      await symlink(outside, path.join(project.root, 'escape'));
      await symlink(path.join(outside, 'secret.txt'), path.join(project.root, 'secret-link.txt'));
      await symlink(path.join(project.root, 'a.txt'), path.join(project.root, 'alias.txt'));
      expect(await listProjectFiles(project.root)).toEqual(['a.txt', 'alias.txt', 'inner/b.txt']);
    }
  });

  it('rejects when the signal is already aborted', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'a' });
    const controller = new AbortController();
    controller.abort();
    await expect(listProjectFiles(project.root, { signal: controller.signal })).rejects.toThrow();
  });
});
