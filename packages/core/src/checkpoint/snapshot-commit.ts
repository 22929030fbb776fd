import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from './checkpoint-error.js';
import type { GitProcess } from './git-process.js';
import type { TreeEntry } from './tree-entry.js';

/** What a snapshot commit's message carries besides its title. */
export interface SnapshotFacts {
  /** The project's HEAD when the snapshot was taken (absent outside git or before a first commit). */
  head?: string;
  /** Files not in the snapshot that a restore must leave alone. */
  leftOut: string[];
}

const HEAD_TRAILER = 'Outpost-Head: ';
const LEFT_OUT_TRAILER = 'Outpost-Left-Out: ';

/**
 * Writes `entries` as a git tree through a temporary index file of its own (GIT_INDEX_FILE in a
 * temporary directory, removed afterwards): the repository's own index is never read or written.
 */
export async function writeSnapshotTree(
  git: GitProcess,
  entries: readonly TreeEntry[],
): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'outpost-checkpoint-'));
  try {
    const env = { GIT_INDEX_FILE: join(directory, 'index') };
    const input = entries.map((entry) => `${entry.mode} ${entry.oid}\t${entry.path}\0`).join('');
    await git.run(['update-index', '-z', '--index-info'], { input, env });
    return (await git.run(['write-tree'], { env })).toString('utf8').trim();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A commit of `tree` (never signed, never running hooks), then `ref` pointed at it. */
export async function commitSnapshot(
  git: GitProcess,
  options: { tree: string; parent?: string; title: string; facts: SnapshotFacts; ref: string },
): Promise<string> {
  const { tree, parent, title, facts, ref } = options;
  const trailers = [
    ...(facts.head === undefined ? [] : [`${HEAD_TRAILER}${facts.head}`]),
    ...(facts.leftOut.length === 0 ? [] : [`${LEFT_OUT_TRAILER}${JSON.stringify(facts.leftOut)}`]),
  ];
  const message = `${title}\n${trailers.length === 0 ? '' : `\n${trailers.join('\n')}\n`}`;
  const commit = (
    await git.run(
      [
        'commit-tree',
        '--no-gpg-sign',
        ...(parent === undefined ? [] : ['-p', parent]),
        '-F',
        '-',
        tree,
      ],
      { input: message },
    )
  )
    .toString('utf8')
    .trim();
  await git.run(['update-ref', '-m', title, ref, commit]);
  return commit;
}

/** The facts a snapshot commit's message carries (see `commitSnapshot`). */
export async function readSnapshotFacts(git: GitProcess, commit: string): Promise<SnapshotFacts> {
  const text = (await git.run(['cat-file', 'commit', commit])).toString('utf8');
  const facts: SnapshotFacts = { leftOut: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(HEAD_TRAILER)) facts.head = line.slice(HEAD_TRAILER.length).trim();
    if (line.startsWith(LEFT_OUT_TRAILER)) facts.leftOut = parseLeftOut(commit, line);
  }
  return facts;
}

function parseLeftOut(commit: string, line: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(LEFT_OUT_TRAILER.length));
  } catch (error) {
    parsed = error;
  }
  if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
    // Without the list, a restore could delete a file the snapshot never held: refuse.
    throw new CheckpointError(
      `Snapshot ${commit.slice(0, 10)} has a damaged ${LEFT_OUT_TRAILER.trim()} line; it cannot be put back safely.`,
    );
  }
  return parsed as string[];
}

/** The commit HEAD names, or undefined before the first commit (or outside git). */
export async function currentHead(git: GitProcess): Promise<string | undefined> {
  try {
    const output = await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    const head = output.toString('utf8').trim();
    return head === '' ? undefined : head;
  } catch {
    // An unborn branch (no commit yet) has no HEAD commit: the snapshot has no parent.
    return undefined;
  }
}

/** Every file of a snapshot (`ls-tree -r`); submodule links, which snapshots never hold, are skipped. */
export async function readTreeEntries(git: GitProcess, treeish: string): Promise<TreeEntry[]> {
  const output = (await git.run(['ls-tree', '-r', '-z', '--full-tree', treeish])).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    const match = /^(\d{6}) (\w+) ([0-9a-f]+)\t([\s\S]*)$/.exec(record);
    if (!match || match[2] !== 'blob') continue;
    const [, mode = '', , oid = '', path = ''] = match;
    entries.push({
      path,
      oid,
      mode: mode === '120000' ? '120000' : mode === '100755' ? '100755' : '100644',
    });
  }
  return entries;
}
