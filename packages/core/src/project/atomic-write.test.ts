import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from '../tool/__fixtures__/temporary-project.js';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  it('replaces a file, keeping its mode and leaving no temporary file', async () => {
    const project = await createTemporaryProject({ 'script.sh': 'old' });
    const target = path.join(project.root, 'script.sh');
    await chmod(target, 0o755);
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect((await stat(target)).mode & 0o777).toBe(0o755);
    expect(await readdir(project.root)).toEqual(['script.sh']);
  });

  it('creates parent directories when asked and fails cleanly otherwise', async () => {
    const project = await createTemporaryProject();
    await expect(writeFileAtomic(path.join(project.root, 'a/b/c.txt'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await writeFileAtomic(path.join(project.root, 'a/b/c.txt'), 'x', { createParents: true });
    expect(await project.read('a/b/c.txt')).toBe('x');
  });

  it('removes its temporary file when the rename fails', async () => {
    const project = await createTemporaryProject();
    await mkdir(path.join(project.root, 'dir/inner'), { recursive: true });
    await expect(writeFileAtomic(path.join(project.root, 'dir'), 'x')).rejects.toThrow();
    expect(await readdir(project.root)).toEqual(['dir']);
  });
});
