import { compareByPath } from './tree-entry.js';
import type { TreeEntry } from './tree-entry.js';

/**
 * One file a restore changes, from the working tree now to a snapshot:
 * `restore` — it differs (content or mode) and is written back;
 * `recreate` — it is missing now (deleted, or ignored since) and is written back;
 * `delete` — it was not in the snapshot (created since) and is deleted.
 */
export interface TreeChange {
  path: string;
  kind: 'restore' | 'recreate' | 'delete';
  /** What the file becomes (`restore`, `recreate`). */
  target?: TreeEntry;
}

/**
 * What turns the `current` tree into `target`. Paths in `keep` (files the snapshot left out) are
 * never deleted. Sorted by path.
 */
export function treeChanges(
  current: readonly TreeEntry[],
  target: readonly TreeEntry[],
  keep: ReadonlySet<string> = new Set(),
): TreeChange[] {
  const now = new Map(current.map((entry) => [entry.path, entry]));
  const wanted = new Map(target.map((entry) => [entry.path, entry]));
  const changes: TreeChange[] = [];
  for (const entry of target) {
    const present = now.get(entry.path);
    if (present === undefined) changes.push({ path: entry.path, kind: 'recreate', target: entry });
    else if (present.oid !== entry.oid || present.mode !== entry.mode) {
      changes.push({ path: entry.path, kind: 'restore', target: entry });
    }
  }
  for (const entry of current) {
    if (!wanted.has(entry.path) && !keep.has(entry.path)) {
      changes.push({ path: entry.path, kind: 'delete' });
    }
  }
  return changes.sort(compareByPath);
}
