import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeFileChange, MAX_DIFF_BYTES } from './file-change.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('describeFileChange', () => {
  it('hashes both sides, counts lines and makes a unified diff', () => {
    const { effect, changedLines } = describeFileChange({
      path: 'src/a.py',
      before: bytes('a\nb\nc\n'),
      after: bytes('a\nB\nB2\nc\n'),
    });
    expect(effect).toEqual({
      type: 'file-change',
      path: 'src/a.py',
      beforeHash: sha256('a\nb\nc\n'),
      afterHash: sha256('a\nB\nB2\nc\n'),
      linesAdded: 2,
      linesRemoved: 1,
      diff: '--- a/src/a.py\n+++ b/src/a.py\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n+B2\n c\n',
    });
    expect(changedLines).toEqual({ first: 2, last: 3 });
  });

  it('describes a new file against /dev/null with a null before-hash', () => {
    const { effect } = describeFileChange({ path: 'n.txt', before: null, after: bytes('x\ny\n') });
    expect(effect.beforeHash).toBeNull();
    expect(effect.linesAdded).toBe(2);
    expect(effect.diff.startsWith('--- /dev/null\n+++ b/n.txt\n')).toBe(true);
  });

  it('cuts long diffs at a line boundary', () => {
    const after = Array.from({ length: 5000 }, (_, index) => `line ${index}`).join('\n');
    const { effect } = describeFileChange({ path: 'big.txt', before: null, after: bytes(after) });
    expect(Buffer.byteLength(effect.diff)).toBeLessThanOrEqual(MAX_DIFF_BYTES + 64);
    expect(effect.diff).toMatch(/\n\+line \d+\n\[… diff cut at 20 KB …\]\n$/);
    expect(effect.linesAdded).toBe(5000);
  });

  it('does not diff binary content', () => {
    const { effect } = describeFileChange({
      path: 'x.bin',
      before: Buffer.from([0, 1]),
      after: Buffer.from([0, 2]),
    });
    expect(effect.diff).toBe('Binary file x.bin changed');
    expect(effect.beforeHash).not.toBe(effect.afterHash);
  });
});
