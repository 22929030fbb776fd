import {
  chmodSync,
  lstatSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isWithin } from '../project/project-paths.js';
import { openBlobReader } from './blob-reader.js';
import type { CheckpointRepository } from './checkpoint-repository.js';
import type { TreeChange } from './tree-changes.js';

export interface RestoreResult {
  written: number;
  deleted: number;
  /** Files that could not be put back (a directory in the way, permissions), with why. */
  failures: { path: string; message: string }[];
}

/**
 * Applies `changes` to the working tree, and nothing else: deletions first (then the directories
 * they leave empty), then every file written back byte for byte from the repository, through a
 * temporary file renamed into place, with its executable bit (other permission bits of a file
 * that is still there are kept) — or as the symbolic link it was. Never writes through a link that
 * leads out of the project. A file that fails is reported and the others still go ahead.
 */
export async function applyTreeChanges(options: {
  repository: CheckpointRepository;
  changes: readonly TreeChange[];
}): Promise<RestoreResult> {
  const { repository, changes } = options;
  const root = realpathSync(repository.projectRoot);
  const result: RestoreResult = { written: 0, deleted: 0, failures: [] };
  const fail = (path: string, error: unknown) =>
    result.failures.push({ path, message: (error as Error).message });

  const emptied = new Set<string>();
  for (const change of changes) {
    if (change.kind !== 'delete') continue;
    try {
      unlinkSync(join(root, change.path));
      result.deleted += 1;
      for (let parent = dirname(change.path); parent !== '.'; parent = dirname(parent)) {
        emptied.add(parent);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(change.path, error);
    }
  }
  // Deepest first, so a parent is tried after its children.
  for (const directory of [...emptied].sort((left, right) => right.length - left.length)) {
    try {
      rmdirSync(join(root, directory));
    } catch {
      // Not empty (ignored files, files the snapshot kept) or already gone: it stays as it is.
    }
  }

  const reader = openBlobReader(repository.git);
  try {
    for (const change of changes) {
      const { target } = change;
      if (target === undefined) continue;
      try {
        const absolute = join(root, change.path);
        mkdirSync(dirname(absolute), { recursive: true });
        if (!isWithin(root, realpathSync(dirname(absolute)))) {
          throw new Error('its directory is now a link that leads out of the project');
        }
        const content = await reader.read(target.oid);
        writeEntry(absolute, target.mode, content);
        result.written += 1;
      } catch (error) {
        fail(change.path, error);
      }
    }
  } finally {
    await reader.close();
  }
  return result;
}

function writeEntry(absolute: string, mode: string, content: Buffer): void {
  const existing = lstatSync(absolute, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new Error('a directory is in the way');
  if (mode === '120000') {
    if (existing !== undefined) rmSync(absolute);
    symlinkSync(content, absolute);
    return;
  }
  const executable = mode === '100755';
  const temporary = join(dirname(absolute), `.${basename(absolute)}.outpost-undo-${process.pid}`);
  try {
    // A new file gets the usual permissions (less the umask); one still there keeps its own.
    rmSync(temporary, { force: true });
    writeFileSync(temporary, content, { mode: executable ? 0o777 : 0o666 });
    if (existing?.isFile())
      chmodSync(temporary, withExecutableBit(existing.mode & 0o7777, executable));
    renameSync(temporary, absolute);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** `chmod +x` where it may be read, or `chmod -x`. */
function withExecutableBit(mode: number, executable: boolean): number {
  return executable ? mode | ((mode & 0o444) >> 2) : mode & ~0o111;
}
