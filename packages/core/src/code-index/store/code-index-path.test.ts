import { symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemporaryDirectory } from '../../tool/__fixtures__/temporary-project.js';
import { codeIndexPath } from './code-index-path.js';

describe('codeIndexPath', () => {
  it('names the index after the real project root, under <data>/index/', async () => {
    const root = await createTemporaryDirectory();
    const other = await createTemporaryDirectory();
    const link = path.join(other, 'link');
    await symlink(root, link);

    const indexPath = codeIndexPath('/data', root);
    expect(indexPath).toMatch(/^\/data\/index\/[0-9a-f]{16}\.db$/);
    expect(codeIndexPath('/data', link)).toBe(indexPath);
    expect(codeIndexPath('/data', other)).not.toBe(indexPath);
  });
});
