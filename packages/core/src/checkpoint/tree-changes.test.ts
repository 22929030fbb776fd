import { describe, expect, it } from 'vitest';
import { treeChanges } from './tree-changes.js';
import type { TreeEntry } from './tree-entry.js';

const file = (path: string, oid: string, mode: TreeEntry['mode'] = '100644'): TreeEntry => ({
  path,
  oid,
  mode,
});

describe('treeChanges', () => {
  it('restores what differs, recreates what is missing and deletes what is new, by path', () => {
    const current = [file('b', '2'), file('c', '3', '100755'), file('new', '9'), file('same', '5')];
    const target = [file('a', '1'), file('b', '1'), file('c', '3'), file('same', '5')];
    expect(treeChanges(current, target)).toEqual([
      { path: 'a', kind: 'recreate', target: file('a', '1') },
      { path: 'b', kind: 'restore', target: file('b', '1') },
      { path: 'c', kind: 'restore', target: file('c', '3') },
      { path: 'new', kind: 'delete' },
    ]);
  });

  it('never deletes a file the snapshot left out', () => {
    expect(treeChanges([file('big.bin', '1')], [], new Set(['big.bin']))).toEqual([]);
  });

  it('is empty for equal trees', () => {
    expect(treeChanges([file('a', '1')], [file('a', '1')])).toEqual([]);
  });
});
