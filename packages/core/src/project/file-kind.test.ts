import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from '../tool/__fixtures__/temporary-project.js';
import { formatByteSize, isBinaryContent, readTextFile } from './file-kind.js';

describe('isBinaryContent', () => {
  it('looks for a NUL byte in the first 8 KB only', () => {
    expect(isBinaryContent(Buffer.from('plain text\n'))).toBe(false);
    expect(isBinaryContent(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
    const lateNul = Buffer.concat([Buffer.alloc(9000, 0x41), Buffer.from([0])]);
    expect(isBinaryContent(lateNul)).toBe(false);
  });
});

describe('readTextFile', () => {
  it('tells text, binary, too-large files and directories apart', async () => {
    const project = await createTemporaryProject({ 'a.txt': 'héllo', 'big.txt': 'x'.repeat(100) });
    await project.write('b.bin', Buffer.from([1, 0, 1]));
    const at = (name: string) => path.join(project.root, name);
    expect(await readTextFile(at('a.txt'), { maxBytes: 50 })).toMatchObject({
      kind: 'text',
      content: 'héllo',
      size: 6,
    });
    expect(await readTextFile(at('b.bin'), { maxBytes: 50 })).toEqual({ kind: 'binary', size: 3 });
    expect(await readTextFile(at('big.txt'), { maxBytes: 50 })).toEqual({
      kind: 'too-large',
      size: 100,
    });
    expect(await readTextFile(project.root, { maxBytes: 50 })).toEqual({ kind: 'directory' });
    execFileSync('mkfifo', [at('pipe')]);
    expect(await readTextFile(at('pipe'), { maxBytes: 50 })).toEqual({ kind: 'special' });
    await expect(readTextFile(at('missing.txt'), { maxBytes: 50 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('formatByteSize', () => {
  it('picks a readable unit', () => {
    expect(formatByteSize(812)).toBe('812 B');
    expect(formatByteSize(14_540)).toBe('14.2 KB');
    expect(formatByteSize(3_250_000)).toBe('3.1 MB');
  });
});
