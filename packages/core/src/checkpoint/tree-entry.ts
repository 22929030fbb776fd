/** Modes a snapshot keeps: a file, an executable file, a symbolic link (its target as content). */
export type TreeMode = '100644' | '100755' | '120000';

/** One file of a snapshot: project-relative path with `/` separators, mode and git blob id. */
export interface TreeEntry {
  path: string;
  mode: TreeMode;
  oid: string;
}

export function compareByPath(left: { path: string }, right: { path: string }): number {
  return left.path < right.path ? -1 : left.path > right.path ? 1 : 0;
}
