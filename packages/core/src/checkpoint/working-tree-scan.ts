import { accessSync, constants, existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from './checkpoint-error.js';
import type { CheckpointRepository } from './checkpoint-repository.js';
import { compareByPath } from './tree-entry.js';
import type { TreeEntry } from './tree-entry.js';

/** What a snapshot may hold. */
export interface ScanLimits {
  /** A bigger file is left out of the snapshot (and left alone by a restore). */
  maxFileBytes: number;
  /** Outside git only: more files than this, or more bytes in all, refuses the snapshot. */
  maxFiles: number;
  maxTotalBytes: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxFiles: 20_000,
  maxTotalBytes: 1024 * 1024 * 1024,
};

export interface WorkingTreeScan {
  /** Every file not ignored, by path. */
  entries: TreeEntry[];
  /** Files not ignored but left out: bigger than `maxFileBytes`, or unreadable. */
  leftOut: string[];
}

const OUTPOST_IGNORE_FILE = '.outpostignore';

/**
 * The working tree as git blobs: every file git does not ignore — tracked or not, the rules of
 * every `.gitignore`, `info/exclude` and the global excludes, plus `.outpostignore` for files git
 * does not track — hashed byte for byte (`--no-filters`: no line-ending conversion, no clean
 * filter), with its executable bit; symbolic links as their target. Directories that are
 * repositories of their own (submodules, nested clones) are not entered. With `write`, the blobs
 * are stored in the repository's object database (nothing else is written); without, only hashed.
 */
export async function scanWorkingTree(options: {
  repository: CheckpointRepository;
  write: boolean;
  limits: ScanLimits;
}): Promise<WorkingTreeScan> {
  const { repository, write, limits } = options;
  const { git, projectRoot } = repository;
  const listing = await git.run([
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
    ...(existsSync(join(projectRoot, OUTPOST_IGNORE_FILE))
      ? [`--exclude-from=${join(projectRoot, OUTPOST_IGNORE_FILE)}`]
      : []),
  ]);
  const paths = [...new Set(listing.toString('utf8').split('\0'))].filter(
    (path) => path !== '' && !path.endsWith('/'),
  );

  const files: { path: string; mode: TreeEntry['mode'] }[] = [];
  const links: { path: string; target: Buffer }[] = [];
  const leftOut: string[] = [];
  let totalBytes = 0;
  for (const path of paths) {
    const absolute = join(projectRoot, path);
    let stats: Stats | undefined;
    try {
      stats = lstatSync(absolute, { throwIfNoEntry: false });
    } catch {
      // A parent directory we may not read: the file cannot be snapshot, nor restored.
      leftOut.push(path);
      continue;
    }
    // Listed by git's index but deleted from disk: not in the tree now.
    if (stats === undefined) continue;
    if (stats.isSymbolicLink()) {
      links.push({ path, target: readlinkSync(absolute, { encoding: 'buffer' }) });
    } else if (stats.isFile()) {
      if (stats.size > limits.maxFileBytes || !isReadable(absolute)) {
        leftOut.push(path);
        continue;
      }
      totalBytes += stats.size;
      files.push({ path, mode: (stats.mode & 0o111) === 0 ? '100644' : '100755' });
    }
    // Anything else (a submodule's directory, a socket, a FIFO) is not content to keep.
  }
  if (repository.kind === 'outpost')
    checkPrivateLimits(files.length + links.length, totalBytes, limits);

  const writeFlag = write ? ['-w'] : [];
  const plain = files.filter(({ path }) => !path.includes('\n') && !path.startsWith('"'));
  const odd = files.filter(({ path }) => path.includes('\n') || path.startsWith('"'));
  const oids = new Map<string, string>();
  if (plain.length > 0) {
    const output = await git.run(['hash-object', ...writeFlag, '--no-filters', '--stdin-paths'], {
      input: plain.map(({ path }) => `${path}\n`).join(''),
    });
    const hashes = output.toString('utf8').trim().split('\n');
    plain.forEach(({ path }, index) => oids.set(path, hashes[index] ?? ''));
  }
  // --stdin-paths reads one path a line and unquotes a leading '"': such paths go one by one.
  for (const { path } of odd) {
    const output = await git.run(['hash-object', ...writeFlag, '--no-filters', '--', path]);
    oids.set(path, output.toString('utf8').trim());
  }
  const entries: TreeEntry[] = files.map(({ path, mode }) => ({
    path,
    mode,
    oid: oids.get(path) ?? '',
  }));
  for (const { path, target } of links) {
    const output = await git.run(['hash-object', ...writeFlag, '--stdin'], { input: target });
    entries.push({ path, mode: '120000', oid: output.toString('utf8').trim() });
  }
  if (entries.some((entry) => !/^[0-9a-f]{40,64}$/.test(entry.oid))) {
    throw new CheckpointError('git hash-object did not name every file it was given.');
  }
  return { entries: entries.sort(compareByPath), leftOut: leftOut.sort() };
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    // Not ours to read (permissions): left out of the snapshot, and so left alone by undo.
    return false;
  }
}

function checkPrivateLimits(files: number, bytes: number, limits: ScanLimits): void {
  const advice =
    'Make it a git repository (git init), or name what to leave out in .gitignore or .outpostignore.';
  if (files > limits.maxFiles) {
    throw new CheckpointError(
      `The project has ${files.toLocaleString('en-US')} files that are not ignored, more than the ` +
        `${limits.maxFiles.toLocaleString('en-US')} a checkpoint outside git takes. ${advice}`,
    );
  }
  if (bytes > limits.maxTotalBytes) {
    const size = (bytes / 1024 / 1024).toFixed(0);
    const limit = (limits.maxTotalBytes / 1024 / 1024).toFixed(0);
    throw new CheckpointError(
      `The project's files that are not ignored hold ${size} MiB, more than the ${limit} MiB a ` +
        `checkpoint outside git takes. ${advice}`,
    );
  }
}
